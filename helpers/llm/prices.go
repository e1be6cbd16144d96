package llm

// This file is the one place where model prices live. Update PricesAsOf with the table.

// PricesAsOf is the date of the price table: OpenAI's list prices (https://openai.com/api/pricing) for
// standard (not batch, not priority) processing, as the author knew them in August 2025. Prices change,
// and models newer than that date are missing: check the pricing page before relying on a cost, and add or
// correct entries with Prices.Set.
const PricesAsOf = "2025-08"

// defaultPriceTable returns the price table, in dollars per million tokens. Fine-tuned models are priced
// under "ft:" followed by their base model. Each call builds a new map, so callers may change theirs.
func defaultPriceTable() map[string]Price {
	return map[string]Price{
		// GPT-5 family (August 2025).
		"gpt-5":             {Input: 1.25, CachedInput: 0.125, Output: 10.00},
		"gpt-5-mini":        {Input: 0.25, CachedInput: 0.025, Output: 2.00},
		"gpt-5-nano":        {Input: 0.05, CachedInput: 0.005, Output: 0.40},
		"gpt-5-chat-latest": {Input: 1.25, CachedInput: 0.125, Output: 10.00},

		// GPT-4.1 family.
		"gpt-4.1":      {Input: 2.00, CachedInput: 0.50, Output: 8.00, Training: 25.00},
		"gpt-4.1-mini": {Input: 0.40, CachedInput: 0.10, Output: 1.60, Training: 5.00},
		"gpt-4.1-nano": {Input: 0.10, CachedInput: 0.025, Output: 0.40, Training: 1.50},

		// GPT-4o family.
		"gpt-4o":            {Input: 2.50, CachedInput: 1.25, Output: 10.00, Training: 25.00},
		"gpt-4o-2024-05-13": {Input: 5.00, Output: 15.00},
		"gpt-4o-mini":       {Input: 0.15, CachedInput: 0.075, Output: 0.60, Training: 3.00},
		"chatgpt-4o-latest": {Input: 5.00, Output: 15.00},

		// Reasoning models.
		"o1":      {Input: 15.00, CachedInput: 7.50, Output: 60.00},
		"o1-pro":  {Input: 150.00, Output: 600.00},
		"o1-mini": {Input: 1.10, CachedInput: 0.55, Output: 4.40},
		"o3":      {Input: 2.00, CachedInput: 0.50, Output: 8.00},
		"o3-pro":  {Input: 20.00, Output: 80.00},
		"o3-mini": {Input: 1.10, CachedInput: 0.55, Output: 4.40},
		"o4-mini": {Input: 1.10, CachedInput: 0.275, Output: 4.40},

		// Older GPT-4 and GPT-3.5 models (the talk used these).
		"gpt-4.5-preview":        {Input: 75.00, CachedInput: 37.50, Output: 150.00},
		"gpt-4-turbo":            {Input: 10.00, Output: 30.00},
		"gpt-4-turbo-preview":    {Input: 10.00, Output: 30.00},
		"gpt-4-0125-preview":     {Input: 10.00, Output: 30.00},
		"gpt-4-1106-preview":     {Input: 10.00, Output: 30.00},
		"gpt-4":                  {Input: 30.00, Output: 60.00},
		"gpt-4-32k":              {Input: 60.00, Output: 120.00},
		"gpt-3.5-turbo":          {Input: 0.50, Output: 1.50, Training: 8.00},
		"gpt-3.5-turbo-instruct": {Input: 1.50, Output: 2.00},
		"davinci-002":            {Input: 2.00, Output: 2.00, Training: 6.00},
		"babbage-002":            {Input: 0.40, Output: 0.40, Training: 0.40},

		// Embeddings (input only).
		"text-embedding-3-small": {Input: 0.02},
		"text-embedding-3-large": {Input: 0.13},
		"text-embedding-ada-002": {Input: 0.10},

		// Fine-tuned models (inference).
		"ft:gpt-4.1":       {Input: 3.00, CachedInput: 0.75, Output: 12.00},
		"ft:gpt-4.1-mini":  {Input: 0.80, CachedInput: 0.20, Output: 3.20},
		"ft:gpt-4.1-nano":  {Input: 0.20, CachedInput: 0.05, Output: 0.80},
		"ft:gpt-4o":        {Input: 3.75, CachedInput: 1.875, Output: 15.00},
		"ft:gpt-4o-mini":   {Input: 0.30, CachedInput: 0.15, Output: 1.20},
		"ft:gpt-3.5-turbo": {Input: 3.00, Output: 6.00},
		"ft:davinci-002":   {Input: 12.00, Output: 12.00},
		"ft:babbage-002":   {Input: 1.60, Output: 1.60},
	}
}
