package wire

// Message types of the protocol, by socket.
const (
	// Shell and control requests and replies.
	KernelInfoRequest = "kernel_info_request"
	KernelInfoReply   = "kernel_info_reply"
	ExecuteRequest    = "execute_request"
	ExecuteReply      = "execute_reply"
	CompleteRequest   = "complete_request"
	CompleteReply     = "complete_reply"
	InspectRequest    = "inspect_request"
	InspectReply      = "inspect_reply"
	IsCompleteRequest = "is_complete_request"
	IsCompleteReply   = "is_complete_reply"
	HistoryRequest    = "history_request"
	HistoryReply      = "history_reply"
	CommInfoRequest   = "comm_info_request"
	CommInfoReply     = "comm_info_reply"
	ShutdownRequest   = "shutdown_request"
	ShutdownReply     = "shutdown_reply"
	InterruptRequest  = "interrupt_request"
	InterruptReply    = "interrupt_reply"
	DebugRequest      = "debug_request"
	DebugReply        = "debug_reply"
	CommOpen          = "comm_open"
	CommMsg           = "comm_msg"
	CommClose         = "comm_close"
	InputRequest      = "input_request"
	InputReply        = "input_reply"
	StatusMsg         = "status"
	StreamMsg         = "stream"
	DisplayDataMsg    = "display_data"
	UpdateDisplayData = "update_display_data"
	ExecuteInputMsg   = "execute_input"
	ExecuteResultMsg  = "execute_result"
	ErrorMsg          = "error"
	ClearOutputMsg    = "clear_output"
	ConnectRequest    = "connect_request"
	ConnectReply      = "connect_reply"
	UsageRequest      = "usage_request"
)

// Reply statuses.
const (
	StatusOK      = "ok"
	StatusError   = "error"
	StatusAborted = "aborted"
)

// LanguageInfo describes the kernel's language in a kernel_info_reply.
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	Mimetype          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodemirrorMode    string `json:"codemirror_mode"`
	NbconvertExporter string `json:"nbconvert_exporter"`
}

// HelpLink is a link in the front end's help menu.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// KernelInfo is the content of kernel_info_reply.
type KernelInfo struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	HelpLinks             []HelpLink   `json:"help_links"`
	Debugger              bool         `json:"debugger"`
}

// Execute is the content of execute_request.
type Execute struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history,omitempty"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      *bool             `json:"allow_stdin,omitempty"`
	StopOnError     *bool             `json:"stop_on_error,omitempty"`
}

// Flags returns store_history, allow_stdin and stop_on_error with the protocol's defaults (true, true, true;
// store_history is false when silent).
func (e Execute) Flags() (storeHistory, allowStdin, stopOnError bool) {
	storeHistory = !e.Silent
	if e.StoreHistory != nil {
		storeHistory = *e.StoreHistory && !e.Silent
	}
	allowStdin = e.AllowStdin == nil || *e.AllowStdin
	stopOnError = e.StopOnError == nil || *e.StopOnError
	return
}

// ExecuteResultReply is the content of execute_reply. On error, Ename, Evalue and Traceback are set too.
type ExecuteResultReply struct {
	Status          string         `json:"status"`
	ExecutionCount  int            `json:"execution_count"`
	Payload         []any          `json:"payload"`
	UserExpressions map[string]any `json:"user_expressions"`
	Ename           string         `json:"ename,omitempty"`
	Evalue          string         `json:"evalue,omitempty"`
	Traceback       []string       `json:"traceback,omitempty"`
}

// ErrorContent is the content of an error message on IOPub, and the error fields of a reply.
type ErrorContent struct {
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// ErrorReply is an error reply with a status.
type ErrorReply struct {
	Status string `json:"status"`
	ErrorContent
}

// Stream is the content of a stream message.
type Stream struct {
	Name string `json:"name"` // "stdout" or "stderr"
	Text string `json:"text"`
}

// DisplayData is the content of display_data and update_display_data.
type DisplayData struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient map[string]any `json:"transient,omitempty"`
}

// ExecuteInput is the content of execute_input.
type ExecuteInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// ExecuteResult is the content of execute_result.
type ExecuteResult struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// Status is the content of a status message.
type Status struct {
	ExecutionState string `json:"execution_state"` // busy, idle, starting
}

// ClearOutput is the content of clear_output.
type ClearOutput struct {
	Wait bool `json:"wait"`
}

// Complete is the content of complete_request.
type Complete struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"`
}

// CompleteResult is the content of complete_reply.
type CompleteResult struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

// Inspect is the content of inspect_request.
type Inspect struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

// InspectResult is the content of inspect_reply.
type InspectResult struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// IsComplete is the content of is_complete_request.
type IsComplete struct {
	Code string `json:"code"`
}

// IsCompleteResult is the content of is_complete_reply.
type IsCompleteResult struct {
	Status string `json:"status"` // complete, incomplete, invalid, unknown
	Indent string `json:"indent,omitempty"`
}

// History is the content of history_request.
type History struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"` // range, tail, search
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// HistoryResult is the content of history_reply. Each entry is [session, line, input] or
// [session, line, [input, output]].
type HistoryResult struct {
	Status  string  `json:"status"`
	History [][]any `json:"history"`
}

// CommInfo is the content of comm_info_request.
type CommInfo struct {
	TargetName string `json:"target_name,omitempty"`
}

// CommInfoResult is the content of comm_info_reply.
type CommInfoResult struct {
	Status string                       `json:"status"`
	Comms  map[string]map[string]string `json:"comms"`
}

// Comm is the content of comm_open, comm_msg and comm_close.
type Comm struct {
	CommID     string         `json:"comm_id"`
	TargetName string         `json:"target_name,omitempty"`
	Data       map[string]any `json:"data"`
}

// Shutdown is the content of shutdown_request and shutdown_reply.
type Shutdown struct {
	Status  string `json:"status,omitempty"`
	Restart bool   `json:"restart"`
}

// Input is the content of input_request.
type Input struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

// InputResult is the content of input_reply.
type InputResult struct {
	Value string `json:"value"`
}

// StatusOnly is a reply with only a status.
type StatusOnly struct {
	Status string `json:"status"`
}
