// Python copies os.environ, adds a variable and passes the copy as env=; Go's
// exec.Cmd has an Env field that works the same way. Left nil, the child
// inherits the parent's environment; set, it is the whole environment, so
// the program appends password= (an empty password, as in the Python) to
// os.Environ(). openssl reads it from there because of -pass env:password,
// which keeps the secret off the command line.
//
// Python writes the data to proc.stdin itself. In Go, any io.Reader can be a
// child's standard input: given a bytes.Reader, exec.Cmd copies it into a
// pipe from a goroutine and closes the pipe at the end, so openssl sees the
// end of its input. Standard output goes to a bytes.Buffer that is complete
// once Wait returns. All three children are started before any is waited
// for, so they can run at the same time.
//
// Three departures: -pbkdf2 is added because OpenSSL 1.1.1 and later warn
// that the old key derivation is deprecated; the last 10 bytes are printed
// in hexadecimal, Go's usual way to show raw bytes, where Python prints a
// bytes literal such as b'\x8f...'; and to show that openssl did encrypt,
// with the password from the environment, the program decrypts each output
// itself. openssl enc writes "Salted__", an 8-byte random salt and the data
// encrypted in CBC mode, padded to whole 8-byte blocks; with -pbkdf2 it
// derives the key and IV from the password and salt with PBKDF2 (SHA-256,
// 10,000 iterations by default).
//
// The note's password is an empty bytes value, b"", which works only on
// POSIX systems, where subprocess accepts bytes in env; on Windows the values
// must be str. And without -pbkdf2, the Python's openssl prints "deprecated
// key derivation used" on standard error for every child.
package main

import (
	"bytes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"log"
	"os"
	"os/exec"
)

const password = "" // as in the Python: an empty password

// runOpenSSL starts openssl encrypting data and returns without waiting; the
// encrypted bytes arrive in out.
func runOpenSSL(data []byte, out *bytes.Buffer) (*exec.Cmd, error) {
	cmd := exec.Command("openssl", "enc", "-des3", "-pbkdf2", "-pass", "env:password")
	cmd.Env = append(os.Environ(), "password="+password)
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stdout = out
	cmd.Stderr = os.Stderr
	return cmd, cmd.Start()
}

// decrypt undoes what openssl enc -des3 -pbkdf2 -pass did to some data. It
// trusts enc to be what openssl wrote, as it is here: a program decrypting
// data from elsewhere would first check the "Salted__" prefix, that the
// rest is whole blocks, and that the padding is well formed.
func decrypt(enc []byte, password string) ([]byte, error) {
	salt, data := enc[8:16], enc[16:] // after "Salted__"
	keyIV, err := pbkdf2.Key(sha256.New, password, salt, 10_000, 24+des.BlockSize)
	if err != nil {
		return nil, err
	}
	block, err := des.NewTripleDESCipher(keyIV[:24])
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, keyIV[24:]).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1]) // PKCS#7: n bytes of value n
	return plain[:len(plain)-pad], nil
}

func main() {
	var cmds []*exec.Cmd
	var (
		ins  [][]byte
		outs []*bytes.Buffer
	)
	for range 3 {
		data := make([]byte, 10)
		if _, err := rand.Read(data); err != nil {
			log.Fatal(err)
		}
		out := new(bytes.Buffer)
		cmd, err := runOpenSSL(data, out)
		if err != nil {
			log.Fatal(err)
		}
		cmds = append(cmds, cmd)
		ins = append(ins, data)
		outs = append(outs, out)
	}

	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			log.Fatal(err)
		}
		b := outs[i].Bytes()
		fmt.Printf("%x\n", b[len(b)-10:])

		plain, err := decrypt(b, password)
		if err != nil {
			log.Fatalf("child %d: %v", i, err)
		}
		fmt.Printf("  %d bytes starting %q; decrypted, they give back the input: %v\n",
			len(b), b[:8], bytes.Equal(plain, ins[i]))
	}
}
