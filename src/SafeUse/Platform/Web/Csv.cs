using System.Text;

namespace SafeUse.Platform.Web;

/// <summary>CSV as SafeUse's exports write it: RFC 4180 quoting, CRLF rows, and cells a spreadsheet shows as text.</summary>
internal static class Csv
{
    /// <summary>
    /// A cell that a spreadsheet shows as text: cells starting = + - @ (or a tab or carriage return, which some
    /// spreadsheets skip before reading a formula) get a leading quote (OWASP's CSV injection advice).
    /// </summary>
    public static string Cell(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return "";
        }

        if (s[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            s = "'" + s;
        }

        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    public static void Row(StringBuilder sb, IEnumerable<string?> cells) => sb.AppendJoin(',', cells.Select(Cell)).Append("\r\n");

    /// <summary>The file as spreadsheets open it cleanly: UTF-8 with its byte order mark.</summary>
    public static byte[] Bytes(StringBuilder sb) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
}
