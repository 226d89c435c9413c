import os

ARGS = []  # the test puts the fixture's arguments here
fd = int(ARGS[0])
for name, flags in [("secret.txt", os.O_RDONLY), ("forged.txt", os.O_WRONLY | os.O_CREAT)]:
    try:
        os.close(os.open(name, flags, 0o644, dir_fd=fd))
        err = "<nil>"
    except OSError as e:
        err = e.strerror.lower()
    print(f"opening {name} through the inherited descriptor: {err}")
