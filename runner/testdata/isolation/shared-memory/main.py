import mmap

m = mmap.mmap(-1, 3 << 30, flags=mmap.MAP_SHARED)
for i in range(0, len(m), 4096):
    m[i] = 1
print("touched 3 GiB of shared memory")
