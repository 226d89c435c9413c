import os

wd = os.getcwd()
print("working directory:", wd)
os.makedirs("sub/deeper")
with open("sub/deeper/file", "w") as f:
    f.write("kept?\n")
for d in ("sub/deeper", "sub", wd):
    os.chmod(d, 0)
print("locked")
