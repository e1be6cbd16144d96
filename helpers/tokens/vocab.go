package tokens

import "math/bits"

// vocab maps the bytes of each ordinary token to its id (its rank: tiktoken merges lower ids first) in an
// open-addressing hash table with linear probing, at most half full. A slot keeps the first eight bytes of its
// token and its length, so that a token of eight bytes or less, most of them, is matched without reading the
// token's bytes elsewhere, and a miss usually ends at an empty slot.
type vocab struct {
	slots []slot
	shift uint     // 64 - log2(len(slots))
	blob  string   // the bytes of every token, special ones included, by id
	offs  []uint32 // where each id's bytes start in blob, and one more for the end
}

type slot struct {
	key uint64 // the first eight bytes of the token, little-endian, zero-padded
	id  uint32
	n   uint32 // the token's length; 0 in an empty slot
}

// noRank is the rank of bytes that are not a token.
const noRank = ^uint32(0)

// newVocab builds the table of the ordinary tokens (all but special) of blob and offs.
func newVocab(blob string, offs []uint32, special map[int]string, ordinary int) *vocab {
	size := 1 << bits.Len(uint(2*ordinary-1)) // at most half full
	v := &vocab{slots: make([]slot, size), shift: uint(64 - bits.TrailingZeros(uint(size))), blob: blob, offs: offs}
	mask := uint64(size - 1)
	for id := range len(offs) - 1 {
		t := v.token(id)
		if _, ok := special[id]; ok || t == "" {
			continue
		}
		key := keyOf(t)
		for i := hashOf(key, t) >> v.shift; ; i = (i + 1) & mask {
			if v.slots[i].n == 0 {
				v.slots[i] = slot{key: key, id: uint32(id), n: uint32(len(t))}
				break
			}
		}
	}
	return v
}

// token returns the bytes of the token with the id, or "" where there is none; id must be in range.
func (v *vocab) token(id int) string { return v.blob[v.offs[id]:v.offs[id+1]] }

// size returns the number of ids, one more than the largest.
func (v *vocab) size() int { return len(v.offs) - 1 }

// rank returns the id of the token whose bytes are s, or noRank.
func (v *vocab) rank(s string) uint32 {
	n := len(s)
	if n == 0 {
		return noRank // no token is empty (the short-key encoding would find id 0)
	}
	var key, h uint64
	if n >= 8 {
		key = le64(s)
		h = key*0x9E3779B97F4A7C15 ^ uint64(n) ^ le64(s[n-8:])*0xC2B2AE3D27D4EB4F
	} else {
		key = keyShort(s)
		h = key*0x9E3779B97F4A7C15 ^ uint64(n)
	}
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	mask := uint64(len(v.slots) - 1)
	for i := h >> v.shift; ; i = (i + 1) & mask {
		sl := &v.slots[i]
		if sl.n == uint32(n) && sl.key == key && (n <= 8 || v.token(int(sl.id)) == s) {
			return sl.id
		}
		if sl.n == 0 {
			return noRank
		}
	}
}

// keyOf returns the first eight bytes of s as a little-endian number, zero-padded.
func keyOf(s string) uint64 {
	if len(s) >= 8 {
		return le64(s)
	}
	return keyShort(s)
}

// keyShort is keyOf for s shorter than eight bytes.
func keyShort(s string) uint64 {
	switch n := len(s); {
	case n >= 4: // two overlapping loads
		return uint64(le32(s)) | uint64(le32(s[n-4:]))<<((n-4)*8)
	case n > 0:
		return uint64(s[0]) | uint64(s[n/2])<<(n/2*8) | uint64(s[n-1])<<((n-1)*8)
	}
	return 0
}

// hashOf mixes the key of s, its length and, for s of eight bytes or more, its last eight bytes, as rank does.
func hashOf(key uint64, s string) uint64 {
	n := len(s)
	h := key*0x9E3779B97F4A7C15 ^ uint64(n)
	if n >= 8 {
		h ^= le64(s[n-8:]) * 0xC2B2AE3D27D4EB4F
	}
	h ^= h >> 29
	return h * 0xBF58476D1CE4E5B9
}

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
