// The oracle for vital/goyaml.py and vital/stackfile.py: real gopkg.in/yaml.v3 v3.0.1 and Go's own
// fmt, encoding/json and time, driven through the steps the Pulumi CLI takes when it loads a stack
// file (pulumi/pulumi sdk 3.260, restated here in our own code, not copied):
//   sdk/go/common/workspace/loaders.go LoadProjectStackBytes: yaml.v3 Unmarshal into `any`;
//     project.go SimplifyMarshalledProject (a non-string key in the top-level mapping fails);
//     stackConfigNamespacedWithProject (unnamespaced keys get the project's name);
//     checkForEmptyConfig (a warning per null value); yamlutil.YamlEncode, then Unmarshal again;
//   sdk/go/common/resource/config/map.go Map.UnmarshalYAML + key.go ParseKey;
//   config/object.go unmarshalObject and MarshalString (what the program receives).
// Input on stdin: [{"name": ..., "yaml": ...}]; output on stdout: [{"name", "error"} or
// {"name", "config": {key: {"value", "secure", "object"}}, "warnings"}].
// Regenerate the fixture (needs Go and Debian's golang-gopkg-yaml.v3-dev, 3.0.1):
//   GOPATH=/usr/share/gocode GO111MODULE=off go run tests/oracle/stackfile_oracle.go \
//     < tests/oracle/cases.json > tests/fixtures/stackfile-oracle.json
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

const project = "vital-expert-infra"

type value struct {
	Value  string `json:"value"`
	Secure bool   `json:"secure"`
	Object bool   `json:"object"`
}

type configMap map[string]value

func parseKey(s string) (string, error) {
	parts := strings.Split(s, ":")
	if len(parts) == 2 {
		return s, nil
	}
	if len(parts) == 3 && parts[1] == "config" {
		return parts[0] + ":" + parts[2], nil
	}
	return "", fmt.Errorf("could not parse %s as a configuration key "+
		"(configuration keys should be of the form `<namespace>:<name>`)", s)
}

func (m *configMap) UnmarshalYAML(unmarshal func(any) error) error {
	raw := map[string]value{}
	if err := unmarshal(&raw); err != nil {
		return fmt.Errorf("could not unmarshal map: %w", err)
	}
	named := configMap{}
	for k, v := range raw {
		key, err := parseKey(k)
		if err != nil {
			return fmt.Errorf("could not unmarshal map: %w", err)
		}
		named[key] = v
	}
	*m = named
	return nil
}

func convert(v any) (any, bool, error) {
	switch v := v.(type) {
	case int:
		return int64(v), false, nil
	case time.Time:
		return v.String(), false, nil
	case map[string]any:
		if s, ok := v["secure"].(string); ok && len(v) == 1 {
			return map[string]any{"secure": s}, true, nil
		}
		out, secure := map[string]any{}, false
		for k, item := range v {
			c, s, err := convert(item)
			if err != nil {
				return nil, false, err
			}
			out[k], secure = c, secure || s
		}
		return out, secure, nil
	case map[any]any:
		m := map[string]any{}
		for k, item := range v {
			m[fmt.Sprintf("%v", k)] = item
		}
		return convert(m)
	case []any:
		out, secure := make([]any, len(v)), false
		for i, item := range v {
			c, s, err := convert(item)
			if err != nil {
				return nil, false, err
			}
			out[i], secure = c, secure || s
		}
		return out, secure, nil
	}
	return v, false, nil
}

func (c *value) UnmarshalYAML(unmarshal func(any) error) error {
	var v any
	if err := unmarshal(&v); err != nil {
		return err
	}
	conv, secure, err := convert(v)
	if err != nil {
		return err
	}
	switch x := conv.(type) {
	case string:
		c.Value = x
		return nil
	case map[string]any:
		if s, ok := x["secure"].(string); ok && len(x) == 1 {
			c.Value, c.Secure = s, true
			return nil
		}
	case bool, int64, uint64, float64:
		b, err := json.Marshal(x)
		c.Value = string(b)
		return err
	}
	b, err := json.Marshal(conv)
	c.Value, c.Secure, c.Object = string(b), secure, true
	return err
}

func simplify(v any) (any, error) {
	if m, ok := v.(map[any]any); ok {
		out := map[string]any{}
		for k, item := range m {
			s, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("expected only string keys, got '%s'", k)
			}
			inner, err := simplify(item)
			if err != nil {
				return nil, err
			}
			out[s] = inner
		}
		return out, nil
	}
	if a, ok := v.([]any); ok {
		out := make([]any, len(a))
		for i, item := range a {
			inner, err := simplify(item)
			if err != nil {
				return nil, err
			}
			out[i] = inner
		}
		return out, nil
	}
	return v, nil
}

func unmarshal(b []byte, v any) error {
	if err := yaml.Unmarshal(b, v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return err
		}
		return fmt.Errorf("invalid YAML file: %w", err)
	}
	return nil
}

func load(text string) (configMap, []string, error) {
	var raw any
	if err := unmarshal([]byte(text), &raw); err != nil {
		return nil, nil, err
	}
	if raw == nil {
		return configMap{}, nil, nil
	}
	s, err := simplify(raw)
	if err != nil {
		return nil, nil, err
	}
	top, ok := s.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("expected project to be an object, was '%T'", s)
	}
	var warnings []string
	if cfg, ok := top["config"].(map[string]any); ok {
		named := map[string]any{}
		for k, item := range cfg {
			if !strings.Contains(k, ":") {
				k = project + ":" + k
			}
			named[k] = item
		}
		top["config"] = named
		for k, item := range named {
			if item == nil {
				warnings = append(warnings, k)
			}
		}
		sort.Strings(warnings)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(top); err != nil {
		return nil, nil, err
	}
	var stack struct {
		Config configMap `yaml:"config"`
	}
	if err := unmarshal(buf.Bytes(), &stack); err != nil {
		return nil, nil, err
	}
	return stack.Config, warnings, nil
}

type result struct {
	Name     string    `json:"name"`
	Error    string    `json:"error,omitempty"`
	Config   configMap `json:"config,omitempty"`
	Warnings []string  `json:"warnings,omitempty"`
}

func main() {
	var cases []struct{ Name, Yaml string }
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := []result{}
	for _, c := range cases {
		cfg, warnings, err := load(c.Yaml)
		r := result{Name: c.Name, Config: cfg, Warnings: warnings}
		if err != nil {
			r = result{Name: c.Name, Error: err.Error()}
		}
		out = append(out, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
