using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace SafeUse.Features.Incidents;

/// <summary>
/// A post larger than an upload form may send (<see cref="AttachmentStore.MaxRequestBytes"/>) is answered 413 with the
/// friendly status page before anything parses it. Runs before the antiforgery check, which would read the whole form.
/// Used with <c>[RequestSizeLimit]</c>, which raises Kestrel's limit for the upload pages only.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class UploadLimitsAttribute : Attribute, IAsyncAuthorizationFilter, IOrderedFilter
{
    /// <summary>Posts up to this size are read and dropped before the answer; larger ones are answered at once.</summary>
    private const long DrainLimit = 4 * AttachmentStore.MaxRequestBytes;

    // Before the request size limit (900) and antiforgery (1000) filters.
    public int Order => 800;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method) || http.Request.ContentLength is not { } length || length <= AttachmentStore.MaxRequestBytes)
        {
            return;
        }

        // A browser still sending when the answer comes shows a reset connection, not the page: read what it sends
        // first (only signed-in people reach this filter), unless it is far beyond any upload.
        if (length <= DrainLimit && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = length;
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
        }

        context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
    }
}
