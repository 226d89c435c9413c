package snippets

import "fmt"

// yaegiProgram readies s to run under the yaegi interpreter.
func yaegiProgram(s *Snippet) (program, func(), string, error) {
	return program{}, nil, "", fmt.Errorf("snippet %s: the yaegi engine is not built yet", s.ID)
}
