package lanehash

import (
	"crypto/sha512"
	"hash"
	"math/bits"
	"unsafe"
)

// state512 is the chaining values of eight SHA-512 streams, word-major:
// [i][l] is word i of lane l (the layout of block512x8).
type state512 [8][Lanes512]uint64

func (s *state512) set(l int, h *[8]uint64) {
	for i := range h {
		s[i][l] = h[i]
	}
}

func (s *state512) get(l int, h *[8]uint64) {
	for i := range h {
		h[i] = s[i][l]
	}
}

func (s *state512) run(addr *[MaxLanes]unsafe.Pointer, mask uint16, n int) {
	if n > 0 && mask&0xff != 0 {
		a := fillIdle(addr, mask&0xff)
		block512x8(s, &a, n)
	}
}

// runGeneric is run one lane after the other, in plain Go.
func (s *state512) runGeneric(addr *[MaxLanes]unsafe.Pointer, mask uint16, n int) {
	var h [8]uint64
	for l := 0; l < Lanes512; l++ {
		if mask&(1<<l) == 0 {
			continue
		}
		s.get(l, &h)
		p := unsafe.Slice((*byte)(addr[l]), n*128)
		for ; len(p) >= 128; p = p[128:] {
			block512(&h, p[:128])
		}
		s.set(l, &h)
	}
}

var (
	sha384Alg = &algorithm{
		lanes: Lanes512, minLanes: 2, blockSize: 128, size: sha512.Size384, wordBytes: 8,
		iv: [8]uint64{
			0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
			0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
		},
		magic: "sha\x04", blockMagic: "sha\x07",
		newCrypto: sha512.New384, newBlock: sha512.New,
		newLanes: func() lanes { return new(state512) },
	}
	sha512Alg = &algorithm{
		lanes: Lanes512, minLanes: 2, blockSize: 128, size: sha512.Size, wordBytes: 8,
		iv: [8]uint64{
			0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
			0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
		},
		magic: "sha\x07", blockMagic: "sha\x07",
		newCrypto: sha512.New, newBlock: sha512.New,
		newLanes: func() lanes { return new(state512) },
	}
)

func init() {
	// SHA-384 and SHA-512 share one engine: the same block function.
	sha512Alg.engine = newEngine(sha512Alg)
	sha384Alg.engine = sha512Alg.engine
}

// New384 returns a SHA-384 digest.
func New384() hash.Hash { return newDigest(sha384Alg) }

// New512 returns a SHA-512 digest.
func New512() hash.Hash { return newDigest(sha512Alg) }

var k512 = [80]uint64{
	0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
	0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
	0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
	0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
	0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
	0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
	0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
	0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
	0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
	0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
	0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
	0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
	0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
	0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
	0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
	0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
	0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
	0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
	0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
	0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
}

// block512 is the SHA-512 compression function of one block.
func block512(h *[8]uint64, p []byte) {
	var w [80]uint64
	for i := 0; i < 16; i++ {
		j := i * 8
		w[i] = uint64(p[j])<<56 | uint64(p[j+1])<<48 | uint64(p[j+2])<<40 | uint64(p[j+3])<<32 |
			uint64(p[j+4])<<24 | uint64(p[j+5])<<16 | uint64(p[j+6])<<8 | uint64(p[j+7])
	}
	for i := 16; i < 80; i++ {
		v1 := w[i-2]
		t1 := bits.RotateLeft64(v1, -19) ^ bits.RotateLeft64(v1, -61) ^ (v1 >> 6)
		v2 := w[i-15]
		t2 := bits.RotateLeft64(v2, -1) ^ bits.RotateLeft64(v2, -8) ^ (v2 >> 7)
		w[i] = t1 + w[i-7] + t2 + w[i-16]
	}
	a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
	for i := 0; i < 80; i++ {
		t1 := hh + (bits.RotateLeft64(e, -14) ^ bits.RotateLeft64(e, -18) ^ bits.RotateLeft64(e, -41)) + ((e & f) ^ (^e & g)) + k512[i] + w[i]
		t2 := (bits.RotateLeft64(a, -28) ^ bits.RotateLeft64(a, -34) ^ bits.RotateLeft64(a, -39)) + ((a & b) ^ (a & c) ^ (b & c))
		hh, g, f, e, d, c, b, a = g, f, e, d+t1, c, b, a, t1+t2
	}
	h[0] += a
	h[1] += b
	h[2] += c
	h[3] += d
	h[4] += e
	h[5] += f
	h[6] += g
	h[7] += hh
}
