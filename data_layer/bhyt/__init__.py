"""Health-insurance cards the State pays for (BHYT do ngân sách đóng): who is covered and by which card
type, the dated base salary and the premium, each ward's monthly list for the insurance agency (locked once
sent), its .xlsx and the yearly estimate. Reads the allowance's tables through ``core.models``; imports no
other domain. Sources and what is still unverified: docs/bhyt.md."""
