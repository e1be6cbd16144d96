//go:build !cgo

package main

import "errors"

func openCgo(string) (vecDB, error) {
	return nil, errors.New("built without cgo (CGO_ENABLED=0); the WASM build still runs")
}

// haveCgo says whether the cgo build of sqlite-vec is linked in.
const haveCgo = false
