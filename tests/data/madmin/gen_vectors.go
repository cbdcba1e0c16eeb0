//go:build ignore

// Writes vectors.txt: ciphertexts of madmin-go's encrypted admin payloads, for
// tests/unit/admin/madmin_crypto_test.cc. Run from this folder with Debian's Go packages:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run gen_vectors.go > vectors.txt
//
// The AES-256-GCM (Argon2id) vectors come from madmin.EncryptData itself. EncryptData picks
// ChaCha20-Poly1305 only on CPUs without AES instructions and PBKDF2 only in FIPS builds, so those
// two ids are built here from the same pieces EncryptData uses (sio-go streams, x/crypto KDFs)
// and every vector is checked with madmin.DecryptData before it is written.
//
// Line format: id password-hex plaintext-hex ciphertext-hex ("-" for an empty field).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/minio/madmin-go"
	"github.com/secure-io/sio-go"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/pbkdf2"
)

func hexOrDash(b []byte) string {
	if len(b) == 0 {
		return "-"
	}
	return hex.EncodeToString(b)
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return b
}

// encrypt builds salt | id | nonce | sio stream as EncryptData does, for a chosen id.
func encrypt(id byte, password string, data []byte) []byte {
	salt := pattern(32)
	var key []byte
	var alg sio.Algorithm = sio.AES_256_GCM
	switch id {
	case 0, 1:
		key = argon2.IDKey([]byte(password), salt, 1, 64*1024, 4, 32)
		if id == 1 {
			alg = sio.ChaCha20Poly1305
		}
	case 2:
		key = pbkdf2.Key([]byte(password), salt, 8192, 32, sha256.New)
	}
	stream, err := alg.Stream(key)
	if err != nil {
		panic(err)
	}
	nonce := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	var out bytes.Buffer
	out.Write(salt)
	out.WriteByte(id)
	out.Write(nonce)
	w := stream.EncryptWriter(&out, nonce, nil)
	if _, err := w.Write(data); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

func emit(password string, plain, cipher []byte) {
	got, err := madmin.DecryptData(password, bytes.NewReader(cipher))
	if err != nil || !bytes.Equal(got, plain) {
		fmt.Fprintln(os.Stderr, "madmin.DecryptData refused a vector:", err)
		os.Exit(1)
	}
	fmt.Printf("%d %s %s %s\n", cipher[32], hexOrDash([]byte(password)), hexOrDash(plain),
		hexOrDash(cipher))
}

func main() {
	const password = "minio-secret-key-123"
	user := []byte(`{"secretKey":"new-user-secret","status":"enabled"}`)
	for _, plain := range [][]byte{user, {}, pattern(16384), pattern(16385), pattern(40000)} {
		cipher, err := madmin.EncryptData(password, plain)
		if err != nil {
			panic(err)
		}
		emit(password, plain, cipher)
	}
	for _, id := range []byte{1, 2} {
		for _, plain := range [][]byte{user, pattern(16384), pattern(20000)} {
			emit(password, plain, encrypt(id, password, plain))
		}
	}
}
