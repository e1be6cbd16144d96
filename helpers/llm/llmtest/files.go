package llmtest

import (
	"fmt"
	"io"
	"net/http"
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
		writeError(w, http.StatusBadRequest, apiError{Message: "llmtest: the upload must be multipart/form-data " +
			"with fields purpose and file: " + err.Error(), Type: "invalid_request_error"})
		return
	}
	purpose := r.FormValue("purpose")
	if purpose == "" {
		p := "purpose"
		writeError(w, http.StatusBadRequest, apiError{Message: "Missing required parameter: 'purpose'.",
			Type: "invalid_request_error", Param: &p})
		return
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		p := "file"
		writeError(w, http.StatusBadRequest, apiError{Message: "Missing required parameter: 'file'.",
			Type: "invalid_request_error", Param: &p})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		writeError(w, http.StatusBadRequest, apiError{Message: "llmtest: reading the file: " + err.Error(),
			Type: "invalid_request_error"})
		return
	}
	s.mu.Lock()
	f := s.addFileLocked(header.Filename, purpose, data)
	obj := f.object()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, obj)
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
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "has_more": false})
}

// lookupFile answers 404 and returns nil when the file does not exist.
func (s *Server) lookupFile(w http.ResponseWriter, id string) *storedFile {
	s.mu.Lock()
	f := s.files[id]
	s.mu.Unlock()
	if f == nil {
		p := "id"
		writeError(w, http.StatusNotFound, apiError{Message: fmt.Sprintf("No such File object: %s", id),
			Type: "invalid_request_error", Param: &p})
	}
	return f
}

func (s *Server) handleGetFile(w http.ResponseWriter, r *http.Request) {
	if f := s.lookupFile(w, r.PathValue("id")); f != nil {
		writeJSON(w, http.StatusOK, f.object())
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
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "file", "deleted": true})
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data := make([]map[string]any, 0, len(s.models))
	for _, m := range s.models {
		data = append(data, modelObject(m))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
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
		p := "model"
		writeError(w, http.StatusNotFound, apiError{Message: fmt.Sprintf("The model '%s' does not exist", id),
			Type: "invalid_request_error", Param: &p, Code: "model_not_found"})
		return
	}
	writeJSON(w, http.StatusOK, modelObject(id))
}

func modelObject(id string) map[string]any {
	owner := "system"
	if len(id) > 3 && id[:3] == "ft:" {
		owner = "user-llmtest"
	}
	return map[string]any{"id": id, "object": "model", "created": 1700000000, "owned_by": owner}
}
