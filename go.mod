module github.com/djscaffold/scaffold

go 1.26
