/// Single PutObject, or multipart with a fixed part plan.
public enum UploadMethod: Sendable, Hashable {
    case put
    case multipart(PartPlan)
}
