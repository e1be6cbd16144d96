package llm

// This file is the one place where model prices live. Update PricesAsOf with the table.

// PricesAsOf is the date of the price table: OpenAI's list prices for standard (not batch, not priority)
// processing of prompts up to 272K tokens, as read on that date from OpenAI's model pages (GPT-6 Luna and
// GPT-6.2 Sol from their official pages; GPT-6.1 Terra and GPT-6.2 Astra as quoted from them by others)
// and its deprecations page. Prices change: check https://openai.com/api/pricing before relying on a
// cost, and add or correct entries with Prices.Set.
const PricesAsOf = "2026-12-05"

// defaultPriceTable returns the price table, in dollars per million tokens. Models already shut down are
// left out; models with a shutdown date say so. Fine-tuned models are priced under "ft:" followed by their
// base model. Each call builds a new map, so callers may change theirs.
func defaultPriceTable() map[string]Price {
	return map[string]Price{
		// GPT-6 family (all reasoning models).
		"gpt-6-luna":    {Input: 0.10, CachedInput: 0.01, Output: 0.50},
		"gpt-6.1-terra": {Input: 1.00, CachedInput: 0.05, Output: 5.00},
		"gpt-6.2-sol":   {Input: 2.00, CachedInput: 0.10, Output: 10.00},
		"gpt-6.1-sol":   {Input: 2.00, CachedInput: 0.10, Output: 10.00},
		"gpt-6.2-astra": {Input: 8.00, CachedInput: 0.40, Output: 40.00},
		// Deprecated: shut down on 2027-01-14 (fine-tunes of them too).
		"gpt-4.1":      {Input: 2.00, CachedInput: 0.50, Output: 8.00, Training: 25.00},
		"gpt-4.1-mini": {Input: 0.40, CachedInput: 0.10, Output: 1.60, Training: 5.00},
		"gpt-4o":       {Input: 2.50, CachedInput: 1.25, Output: 10.00, Training: 25.00},
		"gpt-4o-mini":  {Input: 0.15, CachedInput: 0.075, Output: 0.60, Training: 3.00},
		// Deprecated: shut down on 2026-12-11.
		"gpt-5":      {Input: 1.25, CachedInput: 0.125, Output: 10.00},
		"gpt-5-mini": {Input: 0.25, CachedInput: 0.025, Output: 2.00},
		"gpt-5-nano": {Input: 0.05, CachedInput: 0.005, Output: 0.40},
		"o3":         {Input: 2.00, CachedInput: 0.50, Output: 8.00},
		// Embeddings (input only).
		"text-embedding-3-small": {Input: 0.02},
		"text-embedding-3-large": {Input: 0.13},
		// Fine-tuned models (inference); self-serve fine-tuning takes no new jobs from 2027-01-06.
		"ft:gpt-4.1":      {Input: 3.00, CachedInput: 0.75, Output: 12.00},
		"ft:gpt-4.1-mini": {Input: 0.80, CachedInput: 0.20, Output: 3.20},
		"ft:gpt-4o":       {Input: 3.75, CachedInput: 1.875, Output: 15.00},
		"ft:gpt-4o-mini":  {Input: 0.30, CachedInput: 0.15, Output: 1.20},
	}
}
