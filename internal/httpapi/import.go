package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nexus-intel/nexus"
	"github.com/nexus-intel/nexus/internal/access"
)

// Roles allowed to import.
const (
	RoleAdministrator = "administrator"
	RoleImporter      = "importer"
)

// uploadField is the multipart field that carries files.
const uploadField = "file"

var formatName = regexp.MustCompile(`^[a-z0-9_]+$`)

func (s *Server) importUpload(r *http.Request, c *call) (any, error) {
	query := r.URL.Query()
	req := ImportRequest{Viewer: c.Viewer, Dataset: strings.TrimSpace(query.Get("dataset")), Format: query.Get("format")}
	c.Object = req.Dataset
	if !canImport(c.Viewer) {
		return nil, nexus.Errorf(nexus.EFORBIDDEN, "importing needs the %s or %s role", RoleAdministrator, RoleImporter)
	}
	if s.importFn == nil {
		return nil, nexus.Errorf(nexus.EINVALID, "imports are disabled on this server")
	}
	if req.Dataset == "" {
		return nil, invalid("parameter dataset is required")
	}
	if !formatName.MatchString(req.Format) {
		return nil, invalid("parameter format: %q is not a format name", req.Format)
	}
	var err error
	if req.Strict, err = boolParam(r, "strict"); err != nil {
		return nil, err
	}
	if req.Map, err = parseMap(query.Get("map")); err != nil {
		return nil, err
	}

	dir, err := os.MkdirTemp("", "nexus-upload-")
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	// The importer has read everything by the time it returns; nothing of
	// an upload is kept outside the store.
	defer os.RemoveAll(dir)
	body := http.MaxBytesReader(nil, r.Body, s.maxUpload)
	if req.Path, err = s.saveUpload(r, body, dir); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, invalid("upload is larger than %d bytes", tooBig.Limit)
		}
		return nil, err
	}
	delta, err := s.importFn(r.Context(), req)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", req.Dataset, err)
	}
	s.log.Info("api import", "dataset", req.Dataset, "format", req.Format, "user", c.Viewer.UserID,
		"version", delta.Version, "added", len(delta.Added), "changed", len(delta.Changed), "removed", len(delta.Removed))
	return delta, nil
}

func canImport(v access.Viewer) bool {
	return v.HasRole(RoleAdministrator) || v.HasRole(RoleImporter)
}

// saveUpload writes the request's file(s) under dir and returns the path to
// hand to the importer: the one file, or a directory when several files were
// uploaded (OFAC's sdn.csv with alt.csv, add.csv and sdn_comments.csv).
func (s *Server) saveUpload(r *http.Request, body io.Reader, dir string) (string, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		path := filepath.Join(dir, "upload")
		n, err := saveFile(path, body)
		if err != nil {
			return "", err
		}
		if n == 0 {
			return "", invalid("the request body is empty; send the file as the body or as multipart field %q", uploadField)
		}
		return path, nil
	}

	r.Body = io.NopCloser(body)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", invalid("multipart upload: %v", err)
	}
	files := filepath.Join(dir, "files")
	if err := os.Mkdir(files, 0o700); err != nil {
		return "", fmt.Errorf("import: %w", err)
	}
	var saved []string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			return "", uploadError(err)
		}
		if part.FormName() != uploadField {
			part.Close()
			continue
		}
		name, err := uploadName(part.FileName(), len(saved))
		if err != nil {
			return "", err
		}
		path := filepath.Join(files, name)
		if _, err := os.Stat(path); err == nil {
			return "", invalid("multipart upload: file %q sent twice", name)
		}
		if _, err := saveFile(path, part); err != nil {
			return "", err
		}
		part.Close()
		saved = append(saved, path)
	}
	switch len(saved) {
	case 0:
		return "", invalid("multipart upload has no %q field", uploadField)
	case 1:
		return saved[0], nil
	default:
		return files, nil
	}
}

// uploadName is the name a multipart file is saved under: its own base name
// (importers such as OFAC's find files by name), never a path.
func uploadName(name string, n int) (string, error) {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		return fmt.Sprintf("upload-%d", n+1), nil
	}
	if strings.HasPrefix(name, ".") {
		return "", invalid("multipart upload: file name %q not allowed", name)
	}
	return name, nil
}

func saveFile(path string, r io.Reader) (int64, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, uploadError(err)
	}
	return n, nil
}

// uploadError keeps a too-large upload recognisable and reports a broken
// upload as the client's problem.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("import: %w", err)
	}
	return invalid("reading upload: %v", err)
}

// parseMap reads a csv column mapping, "name=full_name,birthDate=dob", as
// FtM property -> column header.
func parseMap(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	m := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		prop, col, ok := strings.Cut(part, "=")
		prop, col = strings.TrimSpace(prop), strings.TrimSpace(col)
		if !ok || prop == "" || col == "" {
			return nil, invalid("parameter map: %q is not property=column", part)
		}
		if _, dup := m[prop]; dup {
			return nil, invalid("parameter map: property %q mapped twice", prop)
		}
		m[prop] = col
	}
	return m, nil
}
