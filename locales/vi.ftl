# Thông báo cho người dùng, bằng tiếng Việt. Mỗi thông báo ở đây có bản tiếng Anh trong
# en.ftl (một kiểm thử bảo đảm hai tệp có cùng các thông báo với cùng tham số).

text-empty = { $field } không được để trống
text-too-long = { $field } dài tối đa { $max } ký tự
text-control = { $field } không được chứa ký tự điều khiển
text-nul = { $field } không được chứa ký tự NUL
text-email = { $field } không phải là địa chỉ thư điện tử
text-code = { $field } chỉ gồm chữ cái không dấu, chữ số và các ký tự '.', '_', '-'
text-organization-code = { $field } phải là mã định danh điện tử gồm 1-35 ký tự chữ số và chữ in hoa, chia nhóm bằng dấu chấm, ví dụ 000.00.31.H57
id-invalid = { $field } không phải là mã định danh hợp lệ
id-kind = { $field } phải là mã định danh của { $expected }, không phải của { $actual }
id-or-code = hãy cho đúng một trong hai: id hoặc code
code-ambiguous = có nhiều mã chỉ khác { $code } ở chữ hoa, chữ thường; hãy ghi đúng mã
not-found = không tìm thấy { $entity }: { $id }
