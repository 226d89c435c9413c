import os
import sys
import tempfile

wd = os.getcwd()
print("working directory:", wd)
print("HOME and TMPDIR are the working directory:", str(os.environ["HOME"] == wd and tempfile.gettempdir() == wd).lower())
fd, name = tempfile.mkstemp(prefix="made-")
print("made a file in TMPDIR:", str(os.path.dirname(name) == wd).lower())
print(f"read {len(sys.stdin.buffer.read())} bytes of standard input: <nil>")
os.makedirs("sub/deeper")
for name in ("written.txt", "sub/deeper/written.txt"):
    with open(name, "w") as f:
        f.write("hello\n")
for d in ("sub/deeper", "sub", wd):
    os.chmod(d, 0)
print("wrote written.txt and sub/deeper/written.txt, and locked them")
