//go:build !unix

package userfile

const nonBlock = 0

// noFollow is 0 where opening cannot refuse a link: the file is checked
// with Lstat before it is opened instead.
const noFollow = 0
