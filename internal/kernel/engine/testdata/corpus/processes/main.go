package main

import (
	"fmt"
	"os/exec"
	"strings"
)

func main() {
	out, err := exec.Command("echo", "hello", "process").Output()
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
	cmd := exec.Command("tr", "a-z", "A-Z")
	cmd.Stdin = strings.NewReader("shout\n")
	var sb strings.Builder
	cmd.Stdout = &sb
	if err := cmd.Run(); err != nil {
		panic(err)
	}
	fmt.Print(sb.String())
	err = exec.Command("false").Run()
	if ee, ok := err.(*exec.ExitError); ok {
		fmt.Println("exit code", ee.ExitCode())
	}
	_, err = exec.LookPath("no-such-binary-xyz")
	fmt.Println(err != nil)
}
