// Command keyward manages service users, their access keys and permission
// policies, and serves bearer tokens for them.
package main

func main() {}
