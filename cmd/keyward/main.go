// Command keyward manages service users, their access keys and permission
// policies, and serves bearer tokens for them.
package main

import (
	"os"

	"github.com/keyward/keyward/internal/cmd/root"
)

func main() { os.Exit(root.Main()) }
