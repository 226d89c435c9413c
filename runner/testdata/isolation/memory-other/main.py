import sys

b = bytearray(300 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
print(f"touched {len(b) >> 20} MiB")
sys.exit(1)
