package llmtest

import (
	"math"
	"net/http"
	"strings"
	"unicode"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// maxEmbeddingDim is the largest dimension the fake produces.
const maxEmbeddingDim = 8192

func (s *Server) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	var req openaiwire.EmbeddingRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	if !requireModel(w, req.Model) {
		return
	}
	inputs := promptTexts(req.Input)
	if len(inputs) == 0 {
		openaiwire.WriteError(w, http.StatusBadRequest, openaiwire.Invalid("'$.input' is invalid: give a string, "+
			"an array of strings, or token arrays, not empty").WithParam("input"))
		return
	}
	q := query{endpoint: EndpointEmbeddings, model: req.Model, text: strings.Join(inputs, "\n"), lastRole: "user"}
	rep, _ := s.answer(q)
	if !s.prelude(w, r, rep) {
		return
	}
	if rep != nil && (rep.Drop || rep.DropAfter > 0) {
		drop(w)
		return
	}
	dim := req.Dimensions
	if dim == 0 {
		s.mu.Lock()
		dim = s.embedDim
		s.mu.Unlock()
	}
	if dim == 0 {
		dim = 1536
		if strings.Contains(req.Model, "large") {
			dim = 3072
		}
	}
	if dim < 1 || dim > maxEmbeddingDim {
		openaiwire.WriteError(w, http.StatusBadRequest,
			openaiwire.Invalid("dimensions must be between 1 and %d", maxEmbeddingDim).WithParam("dimensions"))
		return
	}
	list := openaiwire.NewEmbeddingList(req.Model)
	for _, text := range inputs {
		list.Add(Embedding(text, dim), req.EncodingFormat, countWords(text))
	}
	openaiwire.WriteJSON(w, http.StatusOK, list)
}

// stopWordList holds the words dropped before hashing, so that shared function words do not make texts look
// similar; each word is surrounded by spaces.
const stopWordList = " a about above after again against all am an and any are as at be because been before " +
	"being below between both but by can could did do does doing down during each few for from further had has " +
	"have having he her here hers herself him himself his how i if in into is it its itself just me more most my " +
	"myself no nor not now of off on once only or other our ours ourselves out over own same she should so some " +
	"such than that the their theirs them themselves then there these they this those through to too under until " +
	"up very was we were what when where which while who whom why will with would you your yours yourself " +
	"yourselves s t "

func isStopWord(w string) bool { return strings.Contains(stopWordList, " "+w+" ") }

// Embedding returns the fake's embedding of text with dim dimensions (see the package documentation): a
// unit vector from feature hashing of the text's words and their character trigrams. It is deterministic,
// and texts sharing words have a positive cosine similarity.
func Embedding(text string, dim int) []float32 {
	if dim < 1 {
		dim = 1
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	counts := map[string]int{}
	var order []string
	for _, w := range words {
		if isStopWord(w) {
			continue
		}
		if counts[w] == 0 {
			order = append(order, w)
		}
		counts[w]++
	}
	if len(order) == 0 { // only stop words, or nothing: hash them all, or the text itself
		for _, w := range words {
			if counts[w] == 0 {
				order = append(order, w)
			}
			counts[w]++
		}
	}
	v := make([]float64, dim)
	add := func(feature string, weight float64) {
		h := hash64("embedding", feature)
		i := int(h % uint64(dim))
		if h>>63 == 1 {
			weight = -weight
		}
		v[i] += weight
	}
	for _, w := range order {
		weight := 1 + math.Log(float64(counts[w]))
		add("w:"+w, weight)
		grams := trigrams(w)
		for _, g := range grams {
			add("g:"+g, 0.6*weight/math.Sqrt(float64(len(grams))))
		}
	}
	if len(order) == 0 {
		add("t:"+text, 1)
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	norm = math.Sqrt(norm)
	out := make([]float32, dim)
	if norm == 0 { // every feature cancelled out: fall back to a fixed unit vector
		out[int(hash64("embedding-empty", text)%uint64(dim))] = 1
		return out
	}
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// trigrams returns the character trigrams of a word padded with ^ and $.
func trigrams(w string) []string {
	rs := []rune("^" + w + "$")
	if len(rs) < 3 {
		return nil
	}
	out := make([]string, 0, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		out = append(out, string(rs[i:i+3]))
	}
	return out
}
