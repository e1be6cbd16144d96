package server

import "testing"

// TestEnvKeptAcrossWorkers: the %env settings of cells that ran without error reach the worker that
// %reset or a crash starts, the last value of each name, with no output of their own; a cell that failed
// sets nothing.
func TestEnvKeptAcrossWorkers(t *testing.T) {
	c, _ := startKernel(t, 0)
	mustOK(t, c, "%env GOLM_ENV_A=1")
	mustOK(t, c, "%env GOLM_ENV_A=2\n%env GOLM_ENV_B three")
	mustFail(t, c, "%env GOLM_ENV_C=set-by-a-failing-cell\nundefinedName", "undefined")
	mustOK(t, c, "s := `\n%env GOLM_ENV_C=in-a-raw-string\n`\n_ = s")
	for _, restart := range []string{"%reset", "crash"} {
		if restart == "%reset" {
			mustOK(t, c, "%reset")
		} else {
			mustFail(t, c, "func lose() { panic(\"lost\") }\ngo lose()\ntime.Sleep(2*time.Second)", "")
		}
		if out := mustOK(t, c, `fmt.Println(os.Getenv("GOLM_ENV_A"), os.Getenv("GOLM_ENV_B"), os.Getenv("GOLM_ENV_C") == "")`); out != "2 three true\n" {
			t.Fatalf("after %s: %q, want the %%env settings and nothing more", restart, out)
		}
	}
}

func TestEnvSetting(t *testing.T) {
	cases := map[string]string{"%env A=1": "A", "  %env  B value ": "B", "%env C=": "C", "%env": "", "%env D": "",
		"%environ X=1": "", "fmt.Println(1)": "", "%env =1": ""}
	for line, want := range cases {
		got, ok := envSetting(line)
		if got != want || ok != (want != "") {
			t.Errorf("envSetting(%q) = %q, %v; want %q", line, got, ok, want)
		}
	}
}
