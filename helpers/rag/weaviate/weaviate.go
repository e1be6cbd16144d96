package weaviate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/rag"
	"github.com/golm-dev/golm/helpers/rag/internal/vec"
)

// DefaultURL is where New looks for Weaviate when Options.URL is empty: a server on this machine with
// Weaviate's default port.
const DefaultURL = "http://localhost:8080"

// Options are the settings of New. The zero value talks to DefaultURL without a key, and makes (when the
// collection does not exist yet) an HNSW collection whose dimension is set by the first vector added.
type Options struct {
	// URL is Weaviate's REST address, such as http://localhost:8080 or a Weaviate Cloud cluster's https
	// URL; empty means DefaultURL.
	URL string
	// APIKey, when set, is sent as a bearer token (Weaviate Cloud, or a server with API-key
	// authentication).
	APIKey string
	// Embedder names the model whose vectors the collection holds. A new collection records it (in its
	// description); opening a collection recorded for another embedder is an error wrapping
	// rag.ErrEmbedder, and so is rag.NewDense with an embedder of another name.
	Embedder string
	// Dim is the vectors' dimension; 0 means the dimension of the vectors already in the collection, or
	// of the first vector added. A collection holding vectors of another dimension is an error wrapping
	// rag.ErrDimension.
	Dim int
	// Flat makes a new collection search exactly (Weaviate's "flat" index: every vector compared, as
	// rag.Index does) instead of with an HNSW graph (approximate; Weaviate's default, and what scales).
	// An existing collection keeps its index.
	Flat bool
	// Recreate deletes the collection, and everything in it, before opening it: a fresh, empty one.
	Recreate bool
	// BatchSize is how many objects one request writes, deletes or reads; 0 means 100.
	BatchSize int
	// Timeout limits each request to Weaviate; 0 means one minute.
	Timeout time.Duration
	// HTTPClient makes the requests; nil means a client of its own.
	HTTPClient *http.Client
}

// Collection is a Weaviate collection (class) used as a rag.Store. Safe for concurrent use; the writes of
// one Collection value happen one at a time.
type Collection struct {
	name     string
	base     string
	key      string
	embedder string
	version  string
	batch    int
	timeout  time.Duration
	http     *http.Client

	write sync.Mutex // one Add, Update, Delete or Drop at a time

	mu      sync.Mutex // guards dim, count and dropped
	dim     int
	count   int
	dropped bool
}

var _ rag.Store = (*Collection)(nil)

// The properties of a golm collection's objects.
const (
	propID    = "golmId"    // the item's id
	propMeta  = "golmMeta"  // its metadata, as a JSON object of strings
	propWhere = "golmWhere" // pairHash of each metadata pair, for Where filters
)

// descMarker starts the embedder's name (a JSON string) in a collection's description.
const descMarker = "golm-embedder: "

// validClassName reports whether a collection name fits Weaviate's rule, ^[A-Z][_0-9A-Za-z]{0,254}$ (a
// loop: that regular expression, compiled when golm starts, took 0.4 ms of every kernel's and worker's
// start).
func validClassName(name string) bool {
	if len(name) == 0 || len(name) > 255 || name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	for _, c := range []byte(name[1:]) {
		if c != '_' && (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// New opens the collection of that name on a Weaviate server, creating it when it does not exist (with
// Weaviate's "none" vectorizer and cosine distance). The name must start with a capital letter and hold
// only letters, digits and underscores (Weaviate's rule for collection names). An unreachable server, a
// collection not made by this package, or one made for another embedder or dimension is an error.
func New(ctx context.Context, collection string, opts ...Options) (*Collection, error) {
	o, err := options.One("weaviate: New", opts)
	if err != nil {
		return nil, err
	}
	if !validClassName(collection) {
		return nil, fmt.Errorf("weaviate: collection name %q: it must start with a capital letter and hold only "+
			"letters, digits and underscores, such as %q", collection, suggestName(collection))
	}
	if o.URL == "" {
		o.URL = DefaultURL
	}
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("weaviate: URL %q: want http://host:port or https://host", o.URL)
	}
	if o.Dim < 0 || o.BatchSize < 0 || o.Timeout < 0 {
		return nil, fmt.Errorf("weaviate: Options.Dim %d, BatchSize %d and Timeout %v must not be negative",
			o.Dim, o.BatchSize, o.Timeout)
	}
	c := &Collection{name: collection, base: strings.TrimRight(o.URL, "/"), key: o.APIKey, batch: o.BatchSize,
		timeout: o.Timeout, http: o.HTTPClient, embedder: o.Embedder, dim: o.Dim}
	if c.batch == 0 {
		c.batch = 100
	}
	if c.timeout == 0 {
		c.timeout = time.Minute
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	var meta struct {
		Version string `json:"version"`
	}
	if err := c.call(ctx, http.MethodGet, "/v1/meta", nil, &meta); err != nil {
		return nil, err
	}
	c.version = meta.Version
	if o.Recreate {
		if err := c.call(ctx, http.MethodDelete, "/v1/schema/"+c.name, nil, nil); err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
	}
	class, err := c.schema(ctx)
	if errors.Is(err, errNotFound) {
		err = c.create(ctx, o.Flat)
		if err == nil {
			return c, nil
		}
		// Another client may have created it at the same moment: open theirs.
		if class, err = c.schema(ctx); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if err := c.check(class); err != nil {
		return nil, err
	}
	if c.embedder != "" && o.Embedder != "" && c.embedder != o.Embedder {
		return nil, fmt.Errorf("weaviate: collection %s holds vectors of %q, not %q: %w", c.name, c.embedder,
			o.Embedder, rag.ErrEmbedder)
	}
	if c.embedder == "" {
		c.embedder = o.Embedder
	}
	n, err := c.Count(ctx)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		d, err := c.probeDim(ctx)
		if err != nil {
			return nil, err
		}
		if o.Dim != 0 && d != 0 && d != o.Dim {
			return nil, fmt.Errorf("weaviate: collection %s holds vectors of dimension %d, not %d: %w", c.name, d,
				o.Dim, rag.ErrDimension)
		}
		c.setDim(d)
	}
	return c, nil
}

// suggestName turns a name into one Weaviate accepts, for the error message.
func suggestName(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	out := strings.TrimLeft(sb.String(), "_0123456789")
	if out == "" {
		return "Chunks"
	}
	return strings.ToUpper(out[:1]) + out[1:]
}

// classSchema is the part of Weaviate's class definition this package reads and writes.
type classSchema struct {
	Class             string         `json:"class"`
	Description       string         `json:"description,omitempty"`
	Vectorizer        string         `json:"vectorizer,omitempty"`
	VectorIndexType   string         `json:"vectorIndexType,omitempty"`
	VectorIndexConfig map[string]any `json:"vectorIndexConfig,omitempty"`
	VectorConfig      map[string]any `json:"vectorConfig,omitempty"`
	Properties        []property     `json:"properties"`
}

type property struct {
	Name            string   `json:"name"`
	DataType        []string `json:"dataType"`
	Tokenization    string   `json:"tokenization,omitempty"`
	IndexFilterable *bool    `json:"indexFilterable,omitempty"`
	IndexSearchable *bool    `json:"indexSearchable,omitempty"`
}

func (c *Collection) schema(ctx context.Context) (classSchema, error) {
	var class classSchema
	err := c.call(ctx, http.MethodGet, "/v1/schema/"+c.name, nil, &class)
	return class, err
}

// create makes the collection.
func (c *Collection) create(ctx context.Context, flat bool) error {
	yes, no := true, false
	class := classSchema{
		Class:             c.name,
		Description:       "Items of golm's rag package (helpers/rag/weaviate).",
		Vectorizer:        "none",
		VectorIndexType:   "hnsw",
		VectorIndexConfig: map[string]any{"distance": "cosine"},
		Properties: []property{
			{Name: propID, DataType: []string{"text"}, Tokenization: "field", IndexFilterable: &yes, IndexSearchable: &no},
			{Name: propMeta, DataType: []string{"text"}, IndexFilterable: &no, IndexSearchable: &no},
			{Name: propWhere, DataType: []string{"text[]"}, Tokenization: "field", IndexFilterable: &yes, IndexSearchable: &no},
		},
	}
	if flat {
		class.VectorIndexType = "flat"
	}
	if c.embedder != "" {
		name, _ := json.Marshal(c.embedder)
		class.Description += " " + descMarker + string(name)
	}
	return c.call(ctx, http.MethodPost, "/v1/schema", class, nil)
}

// check accepts a collection made by this package and reads its embedder's name.
func (c *Collection) check(class classSchema) error {
	want := map[string]string{propID: "text", propMeta: "text", propWhere: "text[]"}
	for _, p := range class.Properties {
		if dt, ok := want[p.Name]; ok && len(p.DataType) == 1 && p.DataType[0] == dt {
			delete(want, p.Name)
		}
	}
	dist, _ := class.VectorIndexConfig["distance"].(string)
	if len(want) > 0 || len(class.VectorConfig) > 0 || dist != "cosine" {
		return fmt.Errorf("weaviate: collection %s exists but was not made by golm's weaviate package (it needs "+
			"the properties %s, %s and %s, one unnamed vector and cosine distance): choose another name, or "+
			"Options.Recreate to replace it", c.name, propID, propMeta, propWhere)
	}
	if i := strings.Index(class.Description, descMarker); i >= 0 {
		var name string
		if err := json.NewDecoder(strings.NewReader(class.Description[i+len(descMarker):])).Decode(&name); err == nil {
			c.embedder = name
		}
	}
	return nil
}

// Name returns the collection's name.
func (c *Collection) Name() string { return c.name }

// Embedder returns the name of the embedder the collection was made for ("" when not recorded).
func (c *Collection) Embedder() string { return c.embedder }

// Version returns the Weaviate server's version, as it said when the collection was opened.
func (c *Collection) Version() string { return c.version }

// Dim returns the vectors' dimension (0 while it is not known: an empty collection made without
// Options.Dim).
func (c *Collection) Dim() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dim
}

func (c *Collection) setDim(d int) {
	c.mu.Lock()
	c.dim = d
	c.mu.Unlock()
}

// dimension returns the vectors' dimension, asking the server while it is not known (another client may
// have added vectors).
func (c *Collection) dimension(ctx context.Context) (int, error) {
	if d := c.Dim(); d != 0 {
		return d, nil
	}
	d, err := c.probeDim(ctx)
	if err != nil || d == 0 {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dim == 0 {
		c.dim = d
	}
	return c.dim, nil
}

// probeDim reads the length of one stored vector (0 for an empty collection).
func (c *Collection) probeDim(ctx context.Context) (int, error) {
	var page struct {
		Objects []struct {
			Vector []float32 `json:"vector"`
		} `json:"objects"`
	}
	if err := c.call(ctx, http.MethodGet, "/v1/objects?limit=1&include=vector&class="+c.name, nil, &page); err != nil {
		return 0, err
	}
	if len(page.Objects) == 0 {
		return 0, nil
	}
	return len(page.Objects[0].Vector), nil
}

// Count asks the server how many objects the collection holds.
func (c *Collection) Count(ctx context.Context) (int, error) {
	var data struct {
		Aggregate map[string][]struct {
			Meta struct {
				Count int `json:"count"`
			} `json:"meta"`
		}
	}
	if err := c.graphQL(ctx, "{Aggregate{"+c.name+"{meta{count}}}}", &data); err != nil {
		return 0, err
	}
	n := 0
	if rows := data.Aggregate[c.name]; len(rows) > 0 {
		n = rows[0].Meta.Count
	}
	c.mu.Lock()
	c.count = n
	c.mu.Unlock()
	return n, nil
}

// Len returns the number of items (rag.Store's Len). It asks the server (see Count); when the server does
// not answer, it returns the number last known.
func (c *Collection) Len() int {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	if n, err := c.Count(ctx); err == nil {
		return n
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// object is an object as Weaviate's batch API takes it.
type object struct {
	Class      string     `json:"class"`
	ID         string     `json:"id"`
	Vector     []float32  `json:"vector"`
	Properties properties `json:"properties"`
}

type properties struct {
	ID    string   `json:"golmId"`
	Meta  string   `json:"golmMeta"`
	Where []string `json:"golmWhere"`
}

// newObject makes the object of an item whose vector is already normalised.
func (c *Collection) newObject(id string, v []float32, meta map[string]string) object {
	m := ""
	if len(meta) > 0 {
		b, _ := json.Marshal(meta) // a map of strings always marshals
		m = string(b)
	}
	return object{Class: c.name, ID: objectID(id), Vector: v,
		Properties: properties{ID: id, Meta: m, Where: whereHashes(meta)}}
}

// decodeMeta reads golmMeta back (nil for none).
func decodeMeta(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("weaviate: metadata %q: %w", truncate(s, 80), err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// prepare checks items (ids present and distinct, vectors finite, of the collection's dimension) and
// returns their objects, and the dimension (set by the first vector when the collection has none yet).
func (c *Collection) prepare(items []rag.Item, dim int) ([]object, int, error) {
	seen := make(map[string]bool, len(items))
	objs := make([]object, len(items))
	for i, it := range items {
		if it.ID == "" {
			return nil, 0, fmt.Errorf("weaviate: item %d has an empty id", i)
		}
		if seen[it.ID] {
			return nil, 0, fmt.Errorf("weaviate: item %d: %q: %w (twice in this call)", i, it.ID, rag.ErrDuplicate)
		}
		seen[it.ID] = true
		if dim == 0 {
			dim = len(it.Vector)
		}
		v, err := normalized(it.Vector, dim)
		if err != nil {
			return nil, 0, fmt.Errorf("weaviate: item %d (%q): %w", i, it.ID, err)
		}
		objs[i] = c.newObject(it.ID, v, it.Metadata)
	}
	return objs, dim, nil
}

// normalized checks a vector and returns a unit-length copy.
func normalized(v []float32, dim int) ([]float32, error) {
	if len(v) != dim || dim == 0 {
		return nil, fmt.Errorf("%w: %d, the collection's is %d", rag.ErrDimension, len(v), dim)
	}
	out, ok := vec.Unit(v)
	if !ok {
		return nil, rag.ErrBadVector
	}
	return out, nil
}

// stored is an object as read back from the collection.
type stored struct {
	ID     string // Weaviate's object id
	ItemID string
	Meta   string
	Vector []float32
}

// fetch reads the objects with the given item ids that exist, by item id (vectors only when withVector).
func (c *Collection) fetch(ctx context.Context, ids []string, withVector bool) (map[string]stored, error) {
	out := make(map[string]stored, len(ids))
	fields := "{" + propID + " " + propMeta + " _additional{id}}"
	if withVector {
		fields = "{" + propID + " " + propMeta + " _additional{id vector}}"
	}
	for lo := 0; lo < len(ids); lo += c.batch {
		group := ids[lo:min(lo+c.batch, len(ids))]
		uuids := make([]string, len(group))
		for i, id := range group {
			uuids[i] = objectID(id)
		}
		var sb strings.Builder
		sb.WriteString("{Get{" + c.name + `(where:{path:["id"],operator:ContainsAny,valueText:`)
		gqlStrings(&sb, uuids)
		sb.WriteString("},limit:" + strconv.Itoa(len(group)) + ")" + fields + "}}")
		rows, err := c.get(ctx, sb.String())
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ItemID] = stored{ID: r.Additional.ID, ItemID: r.ItemID, Meta: r.Meta, Vector: r.Additional.Vector}
		}
	}
	return out, nil
}

// gqlObject is an object in a GraphQL Get answer.
type gqlObject struct {
	ItemID     string `json:"golmId"`
	Meta       string `json:"golmMeta"`
	Additional struct {
		ID       string    `json:"id"`
		Distance *float32  `json:"distance"`
		Vector   []float32 `json:"vector"`
	} `json:"_additional"`
}

// get runs a GraphQL Get on the collection and returns its objects.
func (c *Collection) get(ctx context.Context, query string) ([]gqlObject, error) {
	var data struct {
		Get map[string][]gqlObject
	}
	if err := c.graphQL(ctx, query, &data); err != nil {
		return nil, err
	}
	return data.Get[c.name], nil
}

// put writes objects (new ones, or replacing those with the same ids) in batches.
func (c *Collection) put(ctx context.Context, objs []object) error {
	for lo := 0; lo < len(objs); lo += c.batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		group := objs[lo:min(lo+c.batch, len(objs))]
		var res []struct {
			ID     string `json:"id"`
			Result struct {
				Errors *struct {
					Error []struct {
						Message string `json:"message"`
					} `json:"error"`
				} `json:"errors"`
			} `json:"result"`
		}
		if err := c.call(ctx, http.MethodPost, "/v1/batch/objects", map[string]any{"objects": group}, &res); err != nil {
			return err
		}
		if len(res) != len(group) {
			return fmt.Errorf("weaviate: batch of %d objects: %d results", len(group), len(res))
		}
		for i, r := range res {
			if r.Result.Errors != nil && len(r.Result.Errors.Error) > 0 {
				return fmt.Errorf("weaviate: writing %q: %s", group[i].Properties.ID, r.Result.Errors.Error[0].Message)
			}
		}
	}
	return nil
}

// remove deletes objects by Weaviate id, in batches, and returns how many were deleted.
func (c *Collection) remove(ctx context.Context, uuids []string) (int, error) {
	n := 0
	for lo := 0; lo < len(uuids); lo += c.batch {
		group := uuids[lo:min(lo+c.batch, len(uuids))]
		body := map[string]any{
			"match": map[string]any{"class": c.name,
				"where": map[string]any{"path": []string{"id"}, "operator": "ContainsAny", "valueTextArray": group}},
			"output": "minimal",
		}
		var res struct {
			Results struct {
				Matches    int `json:"matches"`
				Successful int `json:"successful"`
				Failed     int `json:"failed"`
			} `json:"results"`
		}
		if err := c.call(ctx, http.MethodDelete, "/v1/batch/objects", body, &res); err != nil {
			return n, err
		}
		n += res.Results.Successful
		if res.Results.Failed > 0 {
			return n, fmt.Errorf("weaviate: deleting %d objects: %d failed", len(group), res.Results.Failed)
		}
	}
	return n, nil
}

// itemIDs returns the items' ids, in order.
func itemIDs(items []rag.Item) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}

// undoCtx is the context of a rollback: the caller's values, not its cancellation (a cancelled write must
// still be taken back).
func undoCtx(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// Add inserts new items (rag.Store's Add). Vectors are normalised. An empty or repeated id, an id already
// in the collection, or a vector of the wrong dimension, with NaN or infinite values or of length zero is an
// error wrapping rag.ErrDuplicate, rag.ErrDimension or rag.ErrBadVector, and nothing is written. If writing
// fails half-way, the items written are deleted again before the error returns.
func (c *Collection) Add(ctx context.Context, items []rag.Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.write.Lock()
	defer c.write.Unlock()
	if err := c.errDropped(); err != nil {
		return err
	}
	dim, err := c.dimension(ctx)
	if err != nil {
		return err
	}
	objs, dim, err := c.prepare(items, dim)
	if err != nil || len(objs) == 0 {
		return err
	}
	ids := itemIDs(items)
	old, err := c.fetch(ctx, ids, false)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if _, ok := old[id]; ok {
			return fmt.Errorf("weaviate: item %d: %q: %w (use Update to replace it)", i, id, rag.ErrDuplicate)
		}
	}
	if err := c.put(ctx, objs); err != nil {
		uuids := make([]string, len(objs))
		for i, o := range objs {
			uuids[i] = o.ID
		}
		if _, uerr := c.remove(undoCtx(ctx), uuids); uerr != nil {
			return fmt.Errorf("%w (and taking back the items written failed: %v)", err, uerr)
		}
		return fmt.Errorf("%w (nothing was added)", err)
	}
	c.mu.Lock()
	if c.dim == 0 {
		c.dim = dim
	}
	c.count += len(objs)
	c.mu.Unlock()
	return nil
}

// Update replaces the vectors and metadata of items already in the collection (rag.Store's Update); an
// unknown id is an error wrapping rag.ErrNotFound and nothing is changed. If writing fails half-way, the
// items' old vectors and metadata are written back before the error returns.
func (c *Collection) Update(ctx context.Context, items []rag.Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.write.Lock()
	defer c.write.Unlock()
	if err := c.errDropped(); err != nil {
		return err
	}
	dim, err := c.dimension(ctx)
	if err != nil {
		return err
	}
	if dim == 0 && len(items) > 0 { // an empty collection: every id is unknown
		if items[0].ID == "" {
			return errors.New("weaviate: item 0 has an empty id")
		}
		return fmt.Errorf("weaviate: item 0: %q: %w", items[0].ID, rag.ErrNotFound)
	}
	objs, _, err := c.prepare(items, dim)
	if err != nil || len(objs) == 0 {
		return err
	}
	ids := itemIDs(items)
	old, err := c.fetch(ctx, ids, true)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if _, ok := old[id]; !ok {
			return fmt.Errorf("weaviate: item %d: %q: %w", i, id, rag.ErrNotFound)
		}
	}
	if err := c.put(ctx, objs); err != nil {
		back := make([]object, 0, len(old))
		for _, id := range ids {
			s := old[id]
			meta, merr := decodeMeta(s.Meta)
			if merr != nil {
				return fmt.Errorf("%w (and restoring the old items failed: %v)", err, merr)
			}
			back = append(back, c.newObject(id, s.Vector, meta))
		}
		if uerr := c.put(undoCtx(ctx), back); uerr != nil {
			return fmt.Errorf("%w (and restoring the old items failed: %v)", err, uerr)
		}
		return fmt.Errorf("%w (nothing was changed)", err)
	}
	return nil
}

// Delete removes items by id (rag.Store's Delete); an unknown id, or one given twice, is an error wrapping
// rag.ErrNotFound and nothing is removed.
func (c *Collection) Delete(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.write.Lock()
	defer c.write.Unlock()
	if err := c.errDropped(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return fmt.Errorf("weaviate: delete %q: twice in one call", id)
		}
		seen[id] = true
	}
	if len(ids) == 0 {
		return nil
	}
	old, err := c.fetch(ctx, ids, false)
	if err != nil {
		return err
	}
	uuids := make([]string, len(ids))
	for i, id := range ids {
		if _, ok := old[id]; !ok {
			return fmt.Errorf("weaviate: delete %q: %w", id, rag.ErrNotFound)
		}
		uuids[i] = objectID(id)
	}
	n, err := c.remove(ctx, uuids)
	c.mu.Lock()
	c.count -= n
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%w (%d of %d items deleted)", err, n, len(ids))
	}
	return nil
}

// maxFetch is the most results one search asks for (Weaviate's default QUERY_MAXIMUM_RESULTS).
const maxFetch = 10000

// Search returns the k items most similar to vector, best first (rag.Store's Search), with Weaviate's
// nearVector search. SearchOptions.Where runs on the server; SearchOptions.Filter runs here, on results
// asked for in growing numbers until k pass it (at most 10,000 are considered). EfSearch and Rescore are
// ignored (an HNSW collection's ef is a setting of the collection). Scores are cosine similarities; equal
// scores are ordered by id.
func (c *Collection) Search(ctx context.Context, vector []float32, k int, opts ...rag.SearchOptions) ([]rag.Result, error) {
	o, err := options.One("weaviate: Search", opts)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("weaviate: Search needs k ≥ 1, got %d", k)
	}
	dim, err := c.dimension(ctx)
	if err != nil {
		return nil, err
	}
	if dim == 0 { // an empty collection: any query is fine, nothing is found
		if len(vector) == 0 || !vec.Finite(vector) {
			return nil, fmt.Errorf("weaviate: query: %w", rag.ErrBadVector)
		}
		return nil, nil
	}
	q, err := normalized(vector, dim)
	if err != nil {
		return nil, fmt.Errorf("weaviate: query: %w", err)
	}
	limit := k
	if o.Filter != nil {
		limit = min(max(4*k, 64), maxFetch)
	}
	for {
		rs, err := c.near(ctx, q, limit, o.Where)
		if err != nil {
			return nil, err
		}
		out := rs
		if o.Filter != nil {
			out = out[:0:0]
			for _, r := range rs {
				if o.Filter(r.ID, r.Metadata) {
					out = append(out, r)
				}
			}
		}
		if len(out) >= k || len(rs) < limit || limit >= maxFetch {
			return out[:min(k, len(out))], nil
		}
		limit = min(4*limit, maxFetch)
	}
}

// near runs one nearVector query.
func (c *Collection) near(ctx context.Context, q []float32, limit int, where map[string]string) ([]rag.Result, error) {
	var sb strings.Builder
	sb.WriteString("{Get{" + c.name + "(nearVector:{vector:")
	gqlVector(&sb, q)
	sb.WriteString("},limit:" + strconv.Itoa(limit))
	if len(where) > 0 {
		sb.WriteString(`,where:{path:["` + propWhere + `"],operator:ContainsAll,valueText:`)
		gqlStrings(&sb, whereHashes(where))
		sb.WriteString("}")
	}
	sb.WriteString("){" + propID + " " + propMeta + " _additional{distance}}}}")
	rows, err := c.get(ctx, sb.String())
	if err != nil {
		return nil, err
	}
	out := make([]rag.Result, len(rows))
	for i, r := range rows {
		meta, err := decodeMeta(r.Meta)
		if err != nil {
			return nil, err
		}
		if r.Additional.Distance == nil {
			return nil, fmt.Errorf("weaviate: search result %q without a distance", r.ItemID)
		}
		out[i] = rag.Result{ID: r.ItemID, Score: 1 - *r.Additional.Distance, Metadata: meta}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Export copies every item of the collection into a new exact rag.Index (made for the collection's
// embedder), reading BatchSize objects per request.
func (c *Collection) Export(ctx context.Context) (*rag.Index, error) {
	dim, err := c.dimension(ctx)
	if err != nil {
		return nil, err
	}
	x, err := rag.NewIndex(rag.Options{Embedder: c.embedder, Dim: dim})
	if err != nil {
		return nil, err
	}
	after := ""
	for {
		path := "/v1/objects?include=vector&class=" + c.name + "&limit=" + strconv.Itoa(c.batch)
		if after != "" {
			path += "&after=" + after
		}
		var page struct {
			Objects []struct {
				ID         string     `json:"id"`
				Vector     []float32  `json:"vector"`
				Properties properties `json:"properties"`
			} `json:"objects"`
		}
		if err := c.call(ctx, http.MethodGet, path, nil, &page); err != nil {
			return nil, err
		}
		if len(page.Objects) == 0 {
			return x, nil
		}
		items := make([]rag.Item, len(page.Objects))
		for i, o := range page.Objects {
			meta, err := decodeMeta(o.Properties.Meta)
			if err != nil {
				return nil, err
			}
			items[i] = rag.Item{ID: o.Properties.ID, Vector: o.Vector, Metadata: meta}
		}
		if err := x.Add(ctx, items); err != nil {
			return nil, fmt.Errorf("weaviate: export: %w", err)
		}
		after = page.Objects[len(page.Objects)-1].ID
	}
}

// Save writes the collection's items to one file, atomically, in the format of rag.Index (rag.Store's
// Save): rag.Load reads it back as an in-memory index, on a machine without Weaviate. It reads the whole
// collection (see Export).
func (c *Collection) Save(ctx context.Context, path string) error {
	x, err := c.Export(ctx)
	if err != nil {
		return err
	}
	return x.Save(ctx, path)
}

// Drop deletes the collection and everything in it from the server. Adding to the Collection afterwards
// is an error; open it again with New to make a new, empty one.
func (c *Collection) Drop(ctx context.Context) error {
	c.write.Lock()
	defer c.write.Unlock()
	if err := c.call(ctx, http.MethodDelete, "/v1/schema/"+c.name, nil, nil); err != nil && !errors.Is(err, errNotFound) {
		return err
	}
	c.mu.Lock()
	c.dim, c.count, c.dropped = 0, 0, true
	c.mu.Unlock()
	return nil
}

// errDropped is a write after Drop (Weaviate would otherwise make a collection of another shape on its own).
func (c *Collection) errDropped() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped {
		return fmt.Errorf("weaviate: collection %s was dropped: open it again with New", c.name)
	}
	return nil
}
