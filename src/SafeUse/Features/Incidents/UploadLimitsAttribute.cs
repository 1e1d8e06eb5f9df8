using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace SafeUse.Features.Incidents;

/// <summary>
/// A post larger than an upload form may send (<see cref="AttachmentStore.MaxRequestBytes"/>) is answered 413 with the
/// friendly status page before anything reads it. Runs before the antiforgery check, which would read the whole form.
/// With <c>[RequestSizeLimit]</c> beside it, which raises Kestrel's limit for the upload pages only.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class UploadLimitsAttribute : Attribute, IAuthorizationFilter, IOrderedFilter
{
    // Before the request size limit (900) and antiforgery (1000) filters.
    public int Order => 800;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsPost(request.Method) && request.ContentLength > AttachmentStore.MaxRequestBytes)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }
    }
}
