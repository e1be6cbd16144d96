package llm_test

import (
	"io"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

// TestOptionsGrammar checks the shared rules of the verbs' last, optional argument (helpers/README.md).
func TestOptionsGrammar(t *testing.T) {
	s, c, _ := setup(t)
	two := []llm.ChatOptions{{}, {}}
	if _, err := c.Ask(ctx, "x", two...); err == nil || !strings.Contains(err.Error(), "at most one") {
		t.Errorf("Ask with two options: %v", err)
	}
	if _, err := c.Complete(ctx, "x", two...); err == nil {
		t.Error("Complete with two options: no error")
	}
	if _, err := c.Embed(ctx, []string{"x"}, llm.EmbedOptions{}, llm.EmbedOptions{}); err == nil {
		t.Error("Embed with two options: no error")
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent for calls with bad options", n)
	}

	tests := []struct {
		name      string
		messages  []openai.ChatCompletionMessage
		opts      llm.ChatOptions
		wantRoles string
		wantModel string
	}{
		{"no options", llm.Messages("hi", ""), llm.ChatOptions{}, "user", llm.DefaultModel},
		{"system option", llm.Messages("hi", ""), llm.ChatOptions{System: "Be brief."}, "system user", llm.DefaultModel},
		{"messages keep their own system", llm.Messages("hi", "Mine."), llm.ChatOptions{System: "Be brief."}, "system user", llm.DefaultModel},
		{"model option", llm.Messages("hi", ""), llm.ChatOptions{Model: "gpt-x"}, "user", "gpt-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.ClearRequests()
			if _, err := c.Chat(ctx, tt.messages, tt.opts); err != nil {
				t.Fatal(err)
			}
			req, _ := s.LastRequest()
			var body openai.ChatCompletionRequest
			if err := req.Decode(&body); err != nil {
				t.Fatal(err)
			}
			var roles []string
			for _, m := range body.Messages {
				roles = append(roles, m.Role)
			}
			if got := strings.Join(roles, " "); got != tt.wantRoles || body.Model != tt.wantModel {
				t.Errorf("roles %q model %q, want %q %q", got, body.Model, tt.wantRoles, tt.wantModel)
			}
			if tt.name == "messages keep their own system" && body.Messages[0].Content != "Mine." {
				t.Errorf("system message %q", body.Messages[0].Content)
			}
		})
	}
}

// TestStreamToEveryVerb checks that streaming has one shape: StreamTo receives the same text the verb
// returns, for Ask, Chat and Complete.
func TestStreamToEveryVerb(t *testing.T) {
	s, c, _ := setup(t)
	s.When("story", llmtest.Reply{Text: "Once upon a time, it rained frogs."})
	for _, verb := range []string{"Ask", "Chat", "Complete"} {
		var sb strings.Builder
		var text string
		var err error
		opts := llm.ChatOptions{StreamTo: &sb}
		switch verb {
		case "Ask":
			text, err = c.Ask(ctx, "a story", opts)
		case "Chat":
			var r *llm.Reply
			r, err = c.Chat(ctx, llm.Messages("a story", ""), opts)
			if r != nil {
				text = r.Text
			}
		case "Complete":
			var r *llm.Reply
			r, err = c.Complete(ctx, "a story", opts)
			if r != nil {
				text = r.Text
			}
		}
		if err != nil || text == "" || sb.String() != text {
			t.Errorf("%s: streamed %q, returned %q, %v", verb, sb.String(), text, err)
		}
		req, _ := s.LastRequest()
		if stream, _ := req.JSON["stream"].(bool); !stream {
			t.Errorf("%s: the request was not a stream", verb)
		}
	}
}

// TestReasoningEffortForSampling checks that asking a GPT-6 model that accepts effort "none" for sampling
// controls or log-probabilities sends "none", and that an effort the learner names is sent as it is.
func TestReasoningEffortForSampling(t *testing.T) {
	s, c, _ := setup(t)
	tests := []struct {
		name string
		opts llm.ChatOptions
		want string
	}{
		{"plain question", llm.ChatOptions{}, ""},
		{"temperature", llm.ChatOptions{Temperature: 0.7}, "none"},
		{"log-probabilities", llm.ChatOptions{TopLogProbs: 3}, "none"},
		{"named effort kept", llm.ChatOptions{ReasoningEffort: "high"}, "high"},
		{"model that takes no none", llm.ChatOptions{Model: "gpt-6.2-astra"}, ""},
		{"other servers' models untouched", llm.ChatOptions{Model: "llama3", Temperature: 0.7}, ""},
	}
	for _, tt := range tests {
		s.ClearRequests()
		if _, err := c.Chat(ctx, llm.Messages("hi", ""), tt.opts); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		req, _ := s.LastRequest()
		if got, _ := req.JSON["reasoning_effort"].(string); got != tt.want {
			t.Errorf("%s: reasoning_effort %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestSayStreamKeepsOptions: the deprecated SayStream streams with the conversation's own settings, as it
// did before it became a wrapper of Ask.
func TestSayStreamKeepsOptions(t *testing.T) {
	s, c, _ := setup(t)
	cv := c.NewConversation("")
	cv.Options = llm.ChatOptions{Model: "gpt-x", StreamTo: io.Discard}
	if _, err := cv.SayStream(ctx, "hi"); err != nil {
		t.Fatal(err)
	}
	req, _ := s.LastRequest()
	if stream, _ := req.JSON["stream"].(bool); !stream || req.JSON["model"] != "gpt-x" {
		t.Errorf("request model %v stream %v", req.JSON["model"], req.JSON["stream"])
	}
}
