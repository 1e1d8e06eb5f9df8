using System.Globalization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using SafeUse.Features.Policies.Documents;

namespace SafeUse.Features.Policies;

/// <summary>Reads an uploaded policy file, or records on the form why it cannot be read.</summary>
internal static class PolicyUpload
{
    /// <summary>The largest request an upload page reads: the file, with room for the form's other fields.</summary>
    public const int MaxRequestBytes = PolicyDocumentReader.MaxBytes + 256 * 1024;

    /// <summary>The query key that carries a refused request's size back to the page.</summary>
    public const string TooLargeKey = "too-large";

    public static async Task<PolicyDocument?> ReadAsync(IFormFile? upload, ModelStateDictionary state, string field, CancellationToken ct)
    {
        if (upload is null || upload.Length == 0)
        {
            state.AddModelError(field, "Choose a Word (.docx), Markdown (.md) or text (.txt) file");
            return null;
        }

        try
        {
            // Measured before a byte is copied: the size is known from the request.
            PolicyDocumentReader.CheckSize(upload.FileName, upload.Length);
            using var buffer = new MemoryStream((int)upload.Length);
            await upload.OpenReadStream().CopyToAsync(buffer, ct);
            return PolicyDocumentReader.Read(upload.FileName, buffer.ToArray(), ct: ct);
        }
        catch (PolicyImportException ex)
        {
            state.AddModelError(field, ex.Message);
            return null;
        }
    }

    /// <summary>On the page a too-large request was sent back to, says so as a refused file would.</summary>
    public static void ShowRefusedRequest(HttpRequest request, ModelStateDictionary state, string field)
    {
        if (long.TryParse(request.Query[TooLargeKey], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            state.AddModelError(field, $"The file is about {length / 1024.0 / 1024.0:0.0} MB; the limit is {PolicyDocumentReader.MaxBytes / 1024 / 1024} MB.");
        }
    }
}

/// <summary>
/// A request too large to read is answered before anything reads its body (antiforgery reads the form first, and
/// fails with a bare 400 or 500): the browser goes back to the page, which says that the file is too large.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class PolicyUploadLimitAttribute : Attribute, IAuthorizationFilter, IOrderedFilter
{
    /// <summary>Before antiforgery validation, an authorization filter at order 1000.</summary>
    public int Order => int.MinValue;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsPost(request.Method) && request.ContentLength is > PolicyUpload.MaxRequestBytes and var length)
        {
            context.Result = new Microsoft.AspNetCore.Mvc.RedirectResult(request.PathBase + request.Path + QueryString.Create(PolicyUpload.TooLargeKey, length.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
