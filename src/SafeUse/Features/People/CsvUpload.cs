using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace SafeUse.Features.People;

/// <summary>The upload pages' checks on a CSV file (staff or pupils): chosen, not empty, not too large, and text.</summary>
internal static class CsvUpload
{
    /// <summary>
    /// The chosen school (an error on <c>SchoolId</c> when none) and the file's text (errors on <c>Upload</c> saying what
    /// is wrong with it): the same checks as the command line, a CSV or text file, not binary, UTF-8/UTF-16 or plausible
    /// Windows-1252. Null when anything is wrong.
    /// </summary>
    public static async Task<string?> ReadAsync(IFormFile? upload, bool schoolChosen, ModelStateDictionary state, CancellationToken ct)
    {
        if (!schoolChosen)
        {
            state.AddModelError("SchoolId", "Select a school");
        }

        if (upload is null || upload.Length == 0)
        {
            state.AddModelError("Upload", "Select a CSV file" + (upload is { Length: 0 } ? $": {upload.FileName} is empty" : ""));
        }
        else if (upload.Length > StaffCsv.MaxBytes)
        {
            state.AddModelError("Upload", $"{upload.FileName} is larger than {StaffCsv.MaxBytes / 1024 / 1024} MB");
        }

        if (!state.IsValid)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await upload!.CopyToAsync(buffer, ct);
        try
        {
            return StaffCsv.Read(upload.FileName, buffer.ToArray());
        }
        catch (StaffCsvException ex)
        {
            state.AddModelError("Upload", ex.Message);
            return null;
        }
    }
}
