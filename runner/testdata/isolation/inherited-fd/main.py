import os

ARGS = []  # the test puts the fixture's arguments here
fd = int(ARGS[0])
for what, flags in [("reading secret.txt", os.O_RDONLY), ("writing forged.txt", os.O_WRONLY | os.O_CREAT)]:
    try:
        os.close(os.open(what[-len("secret.txt"):], flags, 0o644, dir_fd=fd))
        print(f"{what} through the inherited descriptor: done")
    except OSError as e:
        print(f"{what} through the inherited descriptor: {e.strerror.lower()}")
