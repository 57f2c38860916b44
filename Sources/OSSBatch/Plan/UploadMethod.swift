/// Single PutObject, or multipart with a fixed part plan.
package enum UploadMethod: Sendable, Hashable {
    case put
    case multipart(PartPlan)
}
