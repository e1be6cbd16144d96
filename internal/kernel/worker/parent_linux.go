package worker

// defaultParentPoll is 0 (never) on Linux: the kernel starts the worker with a death signal (Pdeathsig,
// see package supervisor), and the request pipe's end-of-file covers the rest.
const defaultParentPoll = 0
