using Microsoft.AspNetCore.Mvc.ModelBinding;
using SafeUse.Features.Policies.Documents;

namespace SafeUse.Features.Policies;

/// <summary>Reads an uploaded policy file, or records on the form why it cannot be read.</summary>
internal static class PolicyUpload
{
    public static async Task<PolicyDocument?> ReadAsync(IFormFile? upload, ModelStateDictionary state, string field, CancellationToken ct)
    {
        if (upload is null || upload.Length == 0)
        {
            state.AddModelError(field, "Choose a Word (.docx), Markdown (.md) or text (.txt) file");
            return null;
        }

        using var buffer = new MemoryStream();
        await upload.OpenReadStream().CopyToAsync(buffer, ct);
        try
        {
            return PolicyDocumentReader.Read(upload.FileName, buffer.ToArray());
        }
        catch (PolicyImportException ex)
        {
            state.AddModelError(field, ex.Message);
            return null;
        }
    }
}
