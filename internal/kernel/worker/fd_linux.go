package worker

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
)

// describeFD says what a file descriptor of this process is ("pipe:[1234]", "socket:[99]", a path), fdClosed
// if it is not open, or "" if the system does not say.
func describeFD(fd int) string {
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	switch {
	case err == nil:
		return target
	case errors.Is(err, fs.ErrNotExist):
		return fdClosed
	}
	return ""
}
