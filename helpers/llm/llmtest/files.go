package llmtest

import (
	"io"
	"net/http"
	"strings"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// storedFile is an uploaded file.
type storedFile struct {
	ID        string
	Filename  string
	Purpose   string
	Data      []byte
	CreatedAt int64
}

type fileObject struct {
	ID            string  `json:"id"`
	Object        string  `json:"object"`
	Bytes         int     `json:"bytes"`
	CreatedAt     int64   `json:"created_at"`
	Filename      string  `json:"filename"`
	Purpose       string  `json:"purpose"`
	Status        string  `json:"status"`
	StatusDetails *string `json:"status_details"`
}

func (f *storedFile) object() fileObject {
	return fileObject{ID: f.ID, Object: "file", Bytes: len(f.Data), CreatedAt: f.CreatedAt, Filename: f.Filename,
		Purpose: f.Purpose, Status: "processed"}
}

// addFileLocked stores a file and returns it; s.mu must be held.
func (s *Server) addFileLocked(name, purpose string, data []byte) *storedFile {
	f := &storedFile{ID: s.nextIDLocked("file-"), Filename: name, Purpose: purpose, Data: data,
		CreatedAt: s.nowFunc().Unix()}
	s.files[f.ID] = f
	s.fileOrder = append(s.fileOrder, f.ID)
	return f
}

// AddFile stores a file as if it had been uploaded and returns its id.
func (s *Server) AddFile(name, purpose string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFileLocked(name, purpose, append([]byte(nil), data...)).ID
}

// FileData returns the content of a stored file and whether it exists.
func (s *Server) FileData(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), f.Data...), true
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(maxBody); err != nil {
		openaiwire.WriteError(w, http.StatusBadRequest, openaiwire.Invalid("llmtest: the upload must be "+
			"multipart/form-data with fields purpose and file: %v", err))
		return
	}
	purpose := r.FormValue("purpose")
	if purpose == "" {
		openaiwire.WriteError(w, http.StatusBadRequest,
			openaiwire.Invalid("Missing required parameter: 'purpose'.").WithParam("purpose"))
		return
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		openaiwire.WriteError(w, http.StatusBadRequest,
			openaiwire.Invalid("Missing required parameter: 'file'.").WithParam("file"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		openaiwire.WriteError(w, http.StatusBadRequest, openaiwire.Invalid("llmtest: reading the file: %v", err))
		return
	}
	s.mu.Lock()
	f := s.addFileLocked(header.Filename, purpose, data)
	obj := f.object()
	s.mu.Unlock()
	openaiwire.WriteJSON(w, http.StatusOK, obj)
}

func (s *Server) handleListFiles(w http.ResponseWriter, r *http.Request) {
	purpose := r.URL.Query().Get("purpose")
	s.mu.Lock()
	data := []fileObject{}
	for _, id := range s.fileOrder {
		if f := s.files[id]; f != nil && (purpose == "" || f.Purpose == purpose) {
			data = append(data, f.object())
		}
	}
	s.mu.Unlock()
	openaiwire.WriteJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "has_more": false})
}

// lookupFile answers 404 and returns nil when the file does not exist.
func (s *Server) lookupFile(w http.ResponseWriter, id string) *storedFile {
	s.mu.Lock()
	f := s.files[id]
	s.mu.Unlock()
	if f == nil {
		openaiwire.WriteError(w, http.StatusNotFound, openaiwire.Invalid("No such File object: %s", id).WithParam("id"))
	}
	return f
}

func (s *Server) handleGetFile(w http.ResponseWriter, r *http.Request) {
	if f := s.lookupFile(w, r.PathValue("id")); f != nil {
		openaiwire.WriteJSON(w, http.StatusOK, f.object())
	}
}

func (s *Server) handleFileContent(w http.ResponseWriter, r *http.Request) {
	f := s.lookupFile(w, r.PathValue("id"))
	if f == nil {
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.Data)
}

func (s *Server) handleDeleteFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.lookupFile(w, id) == nil {
		return
	}
	s.mu.Lock()
	delete(s.files, id)
	for i, fid := range s.fileOrder {
		if fid == id {
			s.fileOrder = append(s.fileOrder[:i], s.fileOrder[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	openaiwire.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "object": "file", "deleted": true})
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data := make([]openaiwire.Model, 0, len(s.models))
	for _, m := range s.models {
		data = append(data, modelObject(m))
	}
	s.mu.Unlock()
	openaiwire.WriteJSON(w, http.StatusOK, openaiwire.NewModelList(data))
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	found := false
	for _, m := range s.models {
		found = found || m == id
	}
	s.mu.Unlock()
	if !found {
		openaiwire.WriteError(w, http.StatusNotFound, openaiwire.Invalid("The model '%s' does not exist", id).
			WithParam("model").WithCode("model_not_found"))
		return
	}
	openaiwire.WriteJSON(w, http.StatusOK, modelObject(id))
}

func modelObject(id string) openaiwire.Model {
	owner := "system"
	if strings.HasPrefix(id, "ft:") {
		owner = "user-llmtest"
	}
	return openaiwire.NewModel(id, 1700000000, owner)
}
