package local

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/plot"
)

// Fine-tuning a local model with llama.cpp's training API (llama_opt_init, llama_opt_epoch). Train and Save are
// the same in every build: what differs is below them (train, save), implemented with llama.cpp in the llama
// build (llama_train.go) and returning ErrNotBuilt without it (stub.go).

// TrainExample is one example to learn from: the model learns to write Completion after Prompt. Only the
// Completion's tokens (and the end-of-text token Train adds after it) count in the loss: the model learns the
// answers, not the questions. Write the Prompt as the model will see it when used: a base model's
// Complete takes it as it is; for Chat or Ask, format it with the chat template (Model.ChatPrompt) and end the
// Completion with the template's end-of-turn marker (such as <|im_end|>).
type TrainExample struct {
	Prompt, Completion string
}

// TrainOptions configures Train (pass at most one). The zero value trains for one epoch at learning rate 1e-4,
// with windows of 256 tokens filled with as many whole examples as fit.
type TrainOptions struct {
	// Epochs is the number of passes over the examples (0 means 1).
	Epochs int
	// LearningRate is AdamW's learning rate (0 means 1e-4). The output head alone takes 1e-4 to 1e-3 on a
	// narrow task; every layer (full fine-tuning) takes lower rates, such as 1e-4 for SmolLM2-135M. Too high a
	// rate makes the loss jump up instead of falling.
	LearningRate float64
	// ContextLength is the length in tokens of a training window (0: 256, or more when the longest example
	// needs it). llama.cpp rounds it up to a multiple of 256. An example longer than a window is an error.
	ContextLength int
	// BatchSize is the most examples in one window, which is one optimizer step (0: as many whole examples as
	// fit). The rest of a window is padding, which costs time but counts in no loss.
	BatchSize int
	// Validation holds examples to measure, not to learn: their loss (ValidationLoss) is measured before
	// training and after each epoch. A validation loss that rises while the training loss falls means the
	// model is memorising the training examples (overfitting).
	Validation []TrainExample
	// Live draws the loss curves in the notebook while the model trains, as a chart that updates in place
	// (helpers/plot NewLive): the training loss of each step, and the validation loss.
	Live bool
	// OnStep is called after each step, on the goroutine that called Train.
	OnStep func(TrainStep)
	// Layers is the number of the model's layers that train with the output head, counted from the top:
	// 0 trains the head alone (few weights, fast steps), AllLayers every layer: full fine-tuning (see
	// Model.Train; training takes about four times the memory of the weights trained).
	Layers int
	// LastLayer trains the last layer with the output head.
	//
	// Deprecated: use Layers: 1.
	LastLayer bool
	// CheckpointDir, when set, receives a GGUF file of the model after each epoch (epoch-1.gguf, …), which
	// Load opens. The folder is created if needed.
	CheckpointDir string
}

// TrainStep reports one optimizer step of Train.
type TrainStep struct {
	// Epoch is the pass over the examples, from 1; Step counts steps from 1 over the whole training, out of
	// Steps (Epochs × steps per epoch).
	Epoch, Step, Steps int
	// Loss is the mean cross-entropy of the step's completion tokens (nats per token), measured on the step's
	// window just before the step changed the weights.
	Loss float64
	// ValidationLoss is the mean cross-entropy of the validation examples' completion tokens, measured after
	// the last step of each epoch; 0 at other steps and without TrainOptions.Validation.
	ValidationLoss float64
	// Elapsed is the time since training started.
	Elapsed time.Duration
}

// TrainResult is what Train did.
type TrainResult struct {
	// Steps lists every step done, in order.
	Steps []TrainStep
	// Epochs is the number of epochs completed.
	Epochs int
	// Duration is the time Train took, preparation included.
	Duration time.Duration
	// InitialValidationLoss is the validation loss before the first step (0 without TrainOptions.Validation).
	InitialValidationLoss float64
	// Tokens is the number of tokens of one epoch (examples only, without padding), and Windows the number of
	// windows (steps) of one epoch.
	Tokens, Windows int
	// Weights is the number of weights trained (see Train).
	Weights int
}

// Train fine-tunes the model on examples with llama.cpp's training API: AdamW, one optimizer step per window of
// examples (see TrainOptions). The model changes in place: Complete, Chat and Ask use the new weights
// afterwards, and Save writes them to a GGUF file.
//
// By default what learns is the output head (the final norm and the output matrix, which turns the last hidden
// state into a score for each token); TrainOptions.Layers adds the top layers, or all of them: full
// fine-tuning of every weight but the token embeddings, which llama.cpp never trains. TrainResult.Weights
// counts the weights trained. AdamW keeps two numbers per weight trained and the backward pass a gradient,
// so training takes about four times the memory of the weights it trains (F32: 16 bytes a weight; full
// fine-tuning of SmolLM2-135M-Instruct peaks at about 2.6 GB). golm builds llama.cpp (from ollama v0.17.4)
// with upstream's later fix that lets gradients bypass the KV cache, and works around a bug of its ggml in the
// backward pass of RMS norm (helpers/local/internal/llamacpp). Its backward pass lacks some operations: the layers of
// llama-architecture models (Llama, SmolLM, TinyLlama, …) train, Gemma 3's do not (GEGLU; Train says so). A
// model whose output matrix is its token embedding table (tied, as in Gemma 3) trains only its final norm
// with the head alone.
//
// llama.cpp trains F32 weights only: a model with quantized or F16 weights is first converted to F32 in memory
// (Train says so on standard output, with the memory it takes: four bytes a weight), and a model loaded with
// a mapped file is read into memory, since training writes the weights.
//
// Cancelling ctx (interrupting the cell) stops training after the step in progress: Train returns the steps
// done with ctx's error, and the model keeps what it learned so far. Pass at most one TrainOptions.
func (m *Model) Train(ctx context.Context, examples []TrainExample, opts ...TrainOptions) (TrainResult, error) {
	o, err := options.One("local: Train", opts)
	if err != nil {
		return TrainResult{}, err
	}
	if err := o.check(examples); err != nil {
		return TrainResult{}, err
	}
	if o.Epochs == 0 {
		o.Epochs = 1
	}
	if o.LearningRate == 0 {
		o.LearningRate = 1e-4
	}
	report := o.OnStep
	var live *plot.Live
	if o.Live {
		live = plot.NewLive(plot.Options{Title: "fine-tuning loss (completion tokens)", XLabel: "step",
			YLabel: "cross-entropy (nats/token)"})
	}
	hooks := trainHooks{
		initial: func(loss float64) {
			if live != nil {
				_ = live.Add("validation", 0, loss)
			}
		},
		step: func(s TrainStep) {
			if live != nil {
				_ = live.Add("train", float64(s.Step), s.Loss)
				if s.ValidationLoss > 0 {
					_ = live.Add("validation", float64(s.Step), s.ValidationLoss)
				}
			}
			if report != nil {
				report(s)
			}
		},
	}
	res, err := m.train(ctx, examples, o, hooks)
	if live != nil {
		_ = live.Flush()
	}
	return res, err
}

// trainHooks receive Train's progress: the validation loss before training, and each step.
type trainHooks struct {
	initial func(loss float64)
	step    func(TrainStep)
	// sgd makes the optimizer plain SGD instead of AdamW: each step moves a weight by minus the learning rate
	// times its gradient, so a test can read the gradients from the weights (TestTrainGradient).
	sgd bool
}

// check reports bad input to Train: no examples, an empty completion, negative settings.
func (o TrainOptions) check(examples []TrainExample) error {
	if len(examples) == 0 {
		return errors.New("local: Train: no examples to learn from")
	}
	for name, set := range map[string][]TrainExample{"example": examples, "validation example": o.Validation} {
		for i, ex := range set {
			if ex.Completion == "" {
				return fmt.Errorf("local: Train: %s %d has an empty Completion: there is nothing to learn", name, i)
			}
		}
	}
	switch {
	case o.Epochs < 0:
		return fmt.Errorf("local: Train: Epochs is %d; it must be positive (0 means 1)", o.Epochs)
	case o.LearningRate < 0 || math.IsNaN(o.LearningRate) || math.IsInf(o.LearningRate, 0):
		return fmt.Errorf("local: Train: LearningRate is %g; it must be positive (0 means 1e-4)", o.LearningRate)
	case o.ContextLength < 0:
		return fmt.Errorf("local: Train: ContextLength is %d; it must be positive (0 chooses)", o.ContextLength)
	case o.BatchSize < 0:
		return fmt.Errorf("local: Train: BatchSize is %d; it must be positive (0 fills each window)", o.BatchSize)
	case o.Layers < 0:
		return fmt.Errorf("local: Train: Layers is %d; it must be positive (0 trains the output head alone, "+
			"AllLayers every layer)", o.Layers)
	}
	return nil
}

// Save writes the model, with its weights as they are in memory (after Train, the trained ones), to a GGUF file
// at path that Load and `golm serve` open. The metadata (chat template, tokenizer, …) is the original file's. A
// trained model is saved in F32: four bytes a weight.
func (m *Model) Save(path string) error {
	if path == "" {
		return errors.New("local: Save: no path given")
	}
	return m.save(path)
}

// AllLayers as TrainOptions.Layers trains every layer of the model: full fine-tuning.
const AllLayers = math.MaxInt32

// layers returns the number of top layers o trains with the output head.
func (o TrainOptions) layers() int {
	if o.Layers == 0 && o.LastLayer {
		return 1
	}
	return o.Layers
}
