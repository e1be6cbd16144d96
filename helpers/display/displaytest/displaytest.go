// Package displaytest provides a display front end for tests: it records every display, update and input
// request, and answers input from a script. Code that shows things in a notebook (a live answer, a progress
// bar, a confirmation prompt) can be tested with it, as net/http code is with httptest.
package displaytest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/golm-dev/golm/helpers/display"
)

// Shown is one display or update the front end received.
type Shown struct {
	Bundle display.Bundle
	ID     string // display id ("" for a plain display)
	Update bool   // an update of an earlier display
}

// Recorder is a display.Frontend that keeps what it is sent. Its methods are safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	shown   []Shown
	clears  int
	prompts []string
	answers []string
	err     error
}

// Install makes a new Recorder the display front end for the rest of the test, restoring the previous
// one when the test ends.
func Install(t testing.TB) *Recorder {
	r := &Recorder{}
	old := display.SetFrontend(r)
	t.Cleanup(func() { display.SetFrontend(old) })
	return r
}

// Display records a display.
func (r *Recorder) Display(b display.Bundle, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shown = append(r.shown, Shown{Bundle: b, ID: id})
	return nil
}

// Update records an update.
func (r *Recorder) Update(b display.Bundle, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shown = append(r.shown, Shown{Bundle: b, ID: id, Update: true})
	return nil
}

// Clear counts a clear_output.
func (r *Recorder) Clear(bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clears++
	return nil
}

// Input records the prompt and returns the next scripted answer (see Answer and FailInput); with none
// left it fails.
func (r *Recorder) Input(_ context.Context, prompt string, _ bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.prompts = append(r.prompts, prompt)
	if r.err != nil {
		return "", r.err
	}
	if len(r.answers) == 0 {
		return "", errors.New("displaytest: no scripted answer left")
	}
	a := r.answers[0]
	r.answers = r.answers[1:]
	return a, nil
}

// Answer scripts the answers to the next input requests, in order.
func (r *Recorder) Answer(answers []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, answers...)
}

// FailInput makes every input request fail with err (nil: answer from the script again).
func (r *Recorder) FailInput(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

// Shown returns the displays and updates received, in order.
func (r *Recorder) Shown() []Shown {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Shown(nil), r.shown...)
}

// Displays returns the bundles of the displays received (not the updates).
func (r *Recorder) Displays() []display.Bundle { return r.bundles(false) }

// Updates returns the bundles of the updates received.
func (r *Recorder) Updates() []display.Bundle { return r.bundles(true) }

func (r *Recorder) bundles(update bool) []display.Bundle {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []display.Bundle
	for _, s := range r.shown {
		if s.Update == update {
			out = append(out, s.Bundle)
		}
	}
	return out
}

// Prompts returns the prompts of the input requests received.
func (r *Recorder) Prompts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.prompts...)
}

// Clears returns how many clear_output requests were received.
func (r *Recorder) Clears() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clears
}

// Reset forgets what was received (not the scripted answers).
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shown, r.prompts, r.clears = nil, nil, 0
}
