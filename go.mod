module github.com/gonotebook/notebook

go 1.26

require go.yaml.in/yaml/v3 v3.0.6

require (
	github.com/alecthomas/chroma/v2 v2.27.0 // indirect
	github.com/dlclark/regexp2/v2 v2.2.1 // indirect
	github.com/yuin/goldmark v1.8.7 // indirect
)
