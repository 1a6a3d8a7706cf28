package inventory

var URLDecode = urlDecode
