package templates_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/local/templates"
)

var conversation = []templates.Message{
	{Role: "system", Content: "You are helpful."},
	{Role: "user", Content: "Who is Jeremy Howard?"},
	{Role: "assistant", Content: "A data scientist."},
	{Role: "user", Content: "What did he found?"},
}

func TestApply(t *testing.T) {
	tests := []struct {
		name string
		msgs []templates.Message
		gen  bool
		want string
	}{
		{"llama2", conversation, true,
			"<s>[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nWho is Jeremy Howard? [/INST] A data scientist. </s>" +
				"<s>[INST] What did he found? [/INST]"},
		{"llama2", conversation[1:2], true, "<s>[INST] Who is Jeremy Howard? [/INST]"},
		{"llama2", conversation[:1], true, "<s>[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\n [/INST]"},
		{"chatml", conversation, true,
			"<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nWho is Jeremy Howard?<|im_end|>\n" +
				"<|im_start|>assistant\nA data scientist.<|im_end|>\n<|im_start|>user\nWhat did he found?<|im_end|>\n" +
				"<|im_start|>assistant\n"},
		{"chatml", conversation[1:2], false, "<|im_start|>user\nWho is Jeremy Howard?<|im_end|>\n"},
		{"gemma", conversation, true,
			"<start_of_turn>user\nYou are helpful.\n\nWho is Jeremy Howard?<end_of_turn>\n<start_of_turn>model\n" +
				"A data scientist.<end_of_turn>\n<start_of_turn>user\nWhat did he found?<end_of_turn>\n<start_of_turn>model\n"},
		{"gemma", conversation[:1], false, "<start_of_turn>user\nYou are helpful.<end_of_turn>\n"},
		{"stablebeluga", conversation, true,
			"### System:\nYou are helpful.\n\n### User:\nWho is Jeremy Howard?\n\n### Assistant:\nA data scientist.\n\n" +
				"### User:\nWhat did he found?\n\n### Assistant:\n"},
		{"openorca-platypus2", conversation[1:2], true,
			"### Instruction:\n\nWho is Jeremy Howard?\n\n### Response:\n"},
		{"openorca-platypus2", conversation, true,
			"You are helpful.\n\n### Instruction:\n\nWho is Jeremy Howard?\n\n### Response:\nA data scientist.\n\n" +
				"### Instruction:\n\nWhat did he found?\n\n### Response:\n"},
		{"llama3", conversation[1:2], true,
			"<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWho is Jeremy Howard?<|eot_id|>" +
				"<|start_header_id|>assistant<|end_header_id|>\n\n"},
		{"zephyr", conversation[:2], true,
			"<|system|>\nYou are helpful.</s>\n<|user|>\nWho is Jeremy Howard?</s>\n<|assistant|>\n"},
		// Roles are normalised: tool results are shown as user turns, developer as system.
		{"chatml", []templates.Message{{Role: "Developer", Content: "d"}, {Role: "tool", Content: "42"}}, false,
			"<|im_start|>system\nd<|im_end|>\n<|im_start|>user\n42<|im_end|>\n"},
		// Aliases.
		{"Stable-Beluga", conversation[1:2], true, "### User:\nWho is Jeremy Howard?\n\n### Assistant:\n"},
	}
	for _, tt := range tests {
		got, err := templates.Apply(tt.name, tt.msgs, tt.gen)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestUnknown(t *testing.T) {
	_, err := templates.Apply("vicuna-42", conversation, true)
	if err == nil || !strings.Contains(err.Error(), "known: chatml, gemma, llama2") {
		t.Errorf("unknown template: %v", err)
	}
}

func TestNamesAndStops(t *testing.T) {
	want := []string{"chatml", "gemma", "llama2", "llama3", "openorca-platypus2", "stablebeluga", "zephyr"}
	if got := templates.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v", got)
	}
	for _, name := range want {
		tmpl, err := templates.Get(name)
		if err != nil || len(tmpl.Stop) == 0 || tmpl.Description == "" {
			t.Errorf("%s: %v %+v", name, err, tmpl)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ jinja, want string }{
		{"", ""},
		{"{% for m in messages %}{{'<|im_start|>' + m['role'] }}{% endfor %}", "chatml"},
		{"{{ bos_token + '[INST] ' + content + ' [/INST]' }}", "llama2"},
		{"<<SYS>>", "llama2"},
		{"{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>' }}", "llama3"},
		{"{{ '<|user|>\n' }}{{ '<|assistant|>\n' }}", "zephyr"},
		{"### User: … ### Assistant:", "stablebeluga"},
		{"### Instruction: … ### Response:", "openorca-platypus2"},
		{"{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}", "gemma"},
		{"{{ messages }}", ""},
	}
	for _, tt := range tests {
		if got := templates.Detect(tt.jinja); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.jinja, got, tt.want)
		}
	}
}

// The same question in the formats of three models of the talk.
func ExampleApply() {
	msgs := []templates.Message{{Role: "user", Content: "Who is Jeremy Howard?"}}
	for _, name := range []string{"llama2", "stablebeluga", "openorca-platypus2"} {
		prompt, _ := templates.Apply(name, msgs, true)
		fmt.Printf("%s:\n%s\n---\n", name, prompt)
	}
	// Output:
	// llama2:
	// <s>[INST] Who is Jeremy Howard? [/INST]
	// ---
	// stablebeluga:
	// ### User:
	// Who is Jeremy Howard?
	//
	// ### Assistant:
	//
	// ---
	// openorca-platypus2:
	// ### Instruction:
	//
	// Who is Jeremy Howard?
	//
	// ### Response:
	//
	// ---
}

func ExampleDetect() {
	jinja := "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n'}}{% endfor %}"
	fmt.Println(templates.Detect(jinja))
	// Output: chatml
}
