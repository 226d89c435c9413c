chunk = bytes(1 << 20)
for i in range(16):
    with open(f"file-{i}", "wb") as f:
        for _ in range(255):
            f.write(chunk)
print("wrote 16 files of 255 MiB")
