package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/symbols"
)

// TestSecretsNeverShown plants API keys in a client, in go-openai's config, in HTTP headers, in a cell's type
// and in the environment, and checks that no last value, error, help text or %who shows them.
func TestSecretsNeverShown(t *testing.T) {
	const (
		clientKey = "sk-planted-client-0123456789" // given to llm.New in a cell
		envKey    = "sk-planted-env-abcdefghijk"   // OPENAI_API_KEY
		tokenVal  = "tok-planted-service-42424242" // MY_SERVICE_TOKEN
		headerKey = "sk-planted-header-555555555"  // an Authorization header
		fieldKey  = "sk-planted-field-7777777777"  // a field of a cell's type
		short     = "short1"                       // MY_KEY, too short to be treated as a secret
	)
	keys := []string{clientKey, envKey, tokenVal, headerKey, fieldKey}
	t.Setenv("OPENAI_API_KEY", envKey)
	t.Setenv("MY_SERVICE_TOKEN", tokenVal)
	t.Setenv("MY_KEY", short)
	var out syncBuffer
	s, err := New(Options{Stdout: &out, Stderr: &out, Symbols: symbols.Symbols})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	setup := fmt.Sprintf("c, _ := llm.New(llm.Config{APIKey: %q, BaseURL: \"http://127.0.0.1:9/v1\"})", clientKey)
	if _, err := s.Execute(ctx, setup); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		code   string
		masked string // a mask that must be shown, "" when only absence is checked
		err    bool
	}{
		{code: "c.OpenAI()", masked: masked(clientKey)},
		{code: "*c", masked: masked(clientKey)},
		{code: fmt.Sprintf("openai.DefaultConfig(%q)", clientKey)}, // its String method hides the key
		{code: fmt.Sprintf("cfg := openai.DefaultConfig(%q)\n*(&cfg)", clientKey)},
		{code: fmt.Sprintf("[]any{openai.NewClient(%q)}", clientKey), masked: masked(clientKey)},
		{code: fmt.Sprintf("h := http.Header{}\nh.Set(\"Authorization\", \"Bearer %s\")\nh", headerKey), masked: masked("Bearer " + headerKey)},
		{code: fmt.Sprintf("type Svc struct{ Name string; APIKey string }\nSvc{\"svc\", %q}", fieldKey), masked: masked(fieldKey)},
		{code: `os.Getenv("OPENAI_API_KEY")`, masked: masked(envKey)},
		{code: `"token: " + os.Getenv("MY_SERVICE_TOKEN")`, masked: masked(tokenVal)},
		{code: `strconv.Atoi(os.Getenv("OPENAI_API_KEY"))`, masked: masked(envKey)}, // (value, error) text
		{code: `panic(c.OpenAI())`, masked: masked(clientKey), err: true},
		{code: `panic("the key is " + os.Getenv("OPENAI_API_KEY"))`, masked: masked(envKey), err: true},
		{code: `fmt.Errorf("bad key %s", os.Getenv("MY_SERVICE_TOKEN"))`, masked: masked(tokenVal)},
		{code: "%who"},
	}
	for _, c := range cases {
		res, err := s.Execute(ctx, c.code)
		var shown string
		switch {
		case c.err && err == nil:
			t.Errorf("%q: no error", c.code)
			continue
		case c.err:
			e := err.(*Error)
			shown = e.Value + "\n" + strings.Join(e.Traceback, "\n")
		case err != nil:
			t.Errorf("%q: %v", c.code, err)
			continue
		default:
			shown = fmt.Sprint(res.Value.Data)
		}
		for _, k := range keys {
			if strings.Contains(shown, k) {
				t.Errorf("%q shows the key %s: %s", c.code, k, shown)
			}
		}
		if c.masked != "" && !strings.Contains(shown, c.masked) {
			t.Errorf("%q: %s, want %s in it", c.code, shown, c.masked)
		}
	}
	// Help on a name (Shift+Tab) and user expressions.
	if b, ok := s.Inspect("c", 1, 0); !ok || strings.Contains(b.Text(), clientKey) {
		t.Errorf("inspect c: %v %q", ok, b.Text())
	}
	if b, err := s.Evaluate(ctx, "c.OpenAI()"); err != nil || strings.Contains(fmt.Sprint(b.Data), clientKey) {
		t.Errorf("user expression: %v %v", b, err)
	}
	// A short value is not a secret: masking it would hide unrelated text.
	res, err := s.Execute(ctx, `os.Getenv("MY_KEY")`)
	if err != nil || res.Value.Data[display.MIMEText] != `"`+short+`"` {
		t.Errorf("short value: %v %v", res, err)
	}
}

func TestCredentialName(t *testing.T) {
	for name, want := range map[string]bool{
		"authToken": true, "APIKey": true, "api_key": true, "Authorization": true, "X-Api-Key": true, "key": true,
		"ClientSecret": true, "password": true, "accessToken": true,
		"Token": false, "Tokens": false, "MaxTokens": false, "Keys": false, "BaseURL": false, "Model": false,
	} {
		if got := credentialName(name); got != want {
			t.Errorf("credentialName(%q) = %v, want %v", name, got, want)
		}
	}
}
