# Client-facing messages, in English. Every message here has its Vietnamese text in vi.ftl
# (a test checks both files name the same messages with the same arguments).

text-empty = { $field } must not be empty
text-too-long = { $field } must be at most { $max } characters
text-control = { $field } must not contain control characters
text-nul = { $field } must not contain NUL characters
text-email = { $field } is not an e-mail address
text-code = { $field } may contain only ASCII letters, digits, '.', '_' and '-'
text-organization-code = { $field } must be 1-35 characters of digits and capital letters in dot-separated groups, e.g. 000.00.31.H57
id-invalid = { $field } is not a valid id
id-kind = { $field } must be the id of a { $expected }, not of a { $actual }
id-or-code = pass exactly one of id or code
code-ambiguous = several codes differ from { $code } only in case; give it exactly
not-found = { $entity } not found: { $id }
