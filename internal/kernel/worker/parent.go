package worker

import "time"

// watchParent calls gone once the parent process id differs from what it was at the start (the parent
// died and the worker was handed to init or a subreaper), checking at each tick of every, until stop is
// closed. getppid is os.Getppid outside tests.
func watchParent(stop <-chan struct{}, every time.Duration, getppid func() int, gone func()) {
	first := getppid()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if getppid() != first {
			gone()
			return
		}
	}
}
