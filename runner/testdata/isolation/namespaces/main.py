import ctypes
import os
import platform

libc = ctypes.CDLL(None, use_errno=True)


def result(ok):
    e = ctypes.get_errno()
    return "made" if ok else "refused" if e == 1 else os.strerror(e)


CLONE_NEWUSER, CLONE_NEWUTS = 0x10000000, 0x04000000
print("a user and UTS namespace:", result(libc.unshare(CLONE_NEWUSER | CLONE_NEWUTS) == 0))
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}[platform.machine()]
KEYCTL_JOIN_SESSION_KEYRING = 1
print("a keyring:", result(libc.syscall(SYS_KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, None) >= 0))
