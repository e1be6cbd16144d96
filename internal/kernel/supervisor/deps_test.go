package supervisor

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProtocolSideDoesNotLinkTheInterpreter holds the wall between the kernel's two processes: the packages
// of the protocol side must not depend on the interpreter or the engine, directly or through another
// package, on any platform golm builds for.
func TestProtocolSideDoesNotLinkTheInterpreter(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	forbidden := []string{
		"github.com/traefik/yaegi",
		"github.com/golm-dev/golm/internal/kernel/engine",
		"github.com/golm-dev/golm/internal/kernel/worker",
		"github.com/golm-dev/golm/symbols",
	}
	packages := []string{
		"github.com/golm-dev/golm/internal/kernel/pipe",
		"github.com/golm-dev/golm/internal/kernel/supervisor",
		"github.com/golm-dev/golm/internal/kernel/server",
	}
	for _, platform := range []struct{ goos, goarch string }{{"linux", "amd64"}, {"darwin", "arm64"}} {
		for _, pkg := range packages {
			t.Run(platform.goos+"/"+pkg[strings.LastIndexByte(pkg, '/')+1:], func(t *testing.T) {
				cmd := exec.Command(goTool, "list", "-deps", pkg)
				cmd.Env = append(cmd.Environ(), "GOOS="+platform.goos, "GOARCH="+platform.goarch, "CGO_ENABLED=0")
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("go list -deps %s: %v", pkg, err)
				}
				deps := strings.Fields(string(out))
				if len(deps) == 0 || deps[len(deps)-1] != pkg {
					t.Fatalf("go list -deps %s: unexpected output %q", pkg, out)
				}
				for _, dep := range deps {
					for _, bad := range forbidden {
						if dep == bad || strings.HasPrefix(dep, bad+"/") {
							t.Errorf("%s depends on %s: the protocol side must not link the interpreter (see package supervisor)", pkg, dep)
						}
					}
				}
			})
		}
	}
}
