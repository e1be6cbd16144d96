package engine

import (
	"crypto/hkdf"
	"crypto/pbkdf2"
	"fmt"
	"hash"
	"hash/maphash"
	"reflect"
	"runtime"
	"unique"
	"unsafe"
	"weak"
)

// The compiled halves of the prelude's stand-ins for generic functions and types of the standard library
// that only compiled code can implement (crypto, hashing, the runtime's cleanups, unique and weak). Each
// is instantiated here with an interface or byte type, and the stand-in converts to and from its type
// parameters.

// genericRuntime returns them by name, for the session's runtime package.
func genericRuntime() map[string]reflect.Value {
	return map[string]reflect.Value{
		"PBKDF2Key": reflect.ValueOf(func(h any, password string, salt []byte, iter, keyLength int) ([]byte, error) {
			return pbkdf2.Key(hashFunc("pbkdf2.Key", h), password, salt, iter, keyLength)
		}),
		"HKDFKey": reflect.ValueOf(func(h any, secret, salt []byte, info string, keyLength int) ([]byte, error) {
			return hkdf.Key(hashFunc("hkdf.Key", h), secret, salt, info, keyLength)
		}),
		"HKDFExtract": reflect.ValueOf(func(h any, secret, salt []byte) ([]byte, error) {
			return hkdf.Extract(hashFunc("hkdf.Extract", h), secret, salt)
		}),
		"HKDFExpand": reflect.ValueOf(func(h any, prk []byte, info string, keyLength int) ([]byte, error) {
			return hkdf.Expand(hashFunc("hkdf.Expand", h), prk, info, keyLength)
		}),
		"MaphashComparable":      reflect.ValueOf(maphash.Comparable[any]),
		"MaphashWriteComparable": reflect.ValueOf(maphash.WriteComparable[any]),
		"AddCleanup":             reflect.ValueOf(addCleanup),
		"UniqueHandle":           reflect.ValueOf((*unique.Handle[any])(nil)),
		"UniqueMake":             reflect.ValueOf(unique.Make[any]),
		"WeakPointer":            reflect.ValueOf((*weak.Pointer[byte])(nil)),
		"WeakMake":               reflect.ValueOf(weakMake),
		"WeakValue":              reflect.ValueOf(weakValue),
	}
}

// hashFunc turns h, a function without arguments returning a hash.Hash of any type (sha256.New,
// sha3.New256), into a func() hash.Hash; it panics as the compiler would refuse anything else.
func hashFunc(name string, h any) func() hash.Hash {
	v := reflect.ValueOf(h)
	hashType := reflect.TypeFor[hash.Hash]()
	if v.Kind() != reflect.Func || v.Type().NumIn() != 0 || v.Type().NumOut() != 1 || !v.Type().Out(0).Implements(hashType) {
		panic(fmt.Sprintf("%s: cannot use h (a %T) as a func() H with H a hash.Hash", name, h))
	}
	if f, ok := h.(func() hash.Hash); ok {
		return f
	}
	return func() hash.Hash { return v.Call(nil)[0].Interface().(hash.Hash) }
}

// addCleanup is runtime.AddCleanup for a pointer of any type.
func addCleanup(ptr any, cleanup func(any), arg any) runtime.Cleanup {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer {
		panic("runtime.AddCleanup: ptr is not a pointer")
	}
	return runtime.AddCleanup((*byte)(v.UnsafePointer()), cleanup, arg)
}

// weakMake is weak.Make for a pointer of any type: a weak pointer to its first byte.
func weakMake(ptr any) weak.Pointer[byte] {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer {
		panic("weak.Make: not a pointer")
	}
	return weak.Make((*byte)(v.UnsafePointer()))
}

// weakValue sets *dst (a **T) to the pointer p was made from, or nil once the value has been reclaimed.
func weakValue(p weak.Pointer[byte], dst any) {
	d := reflect.ValueOf(dst).Elem()
	if b := p.Value(); b != nil {
		d.Set(reflect.NewAt(d.Type().Elem(), unsafe.Pointer(b)))
	} else {
		d.Set(reflect.Zero(d.Type()))
	}
}
