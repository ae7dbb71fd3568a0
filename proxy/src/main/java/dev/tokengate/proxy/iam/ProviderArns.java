package dev.tokengate.proxy.iam;

import dev.tokengate.proxy.sts.StsError;
import dev.tokengate.proxy.sts.StsException;
import java.util.regex.Pattern;

/** The ARN parameter of a provider action, checked as IAM checks an {@code arnType} before looking it up. */
final class ProviderArns {
  private static final Pattern ARN = Pattern.compile("arn:[^:]+:[^:]*:[^:]*:[^:]*:.+");

  private ProviderArns() {}

  /**
   * @return the ARN, 20–2048 characters and of the {@code arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE} form
   */
  static String checked(IamCall call, String parameter) throws StsException {
    String arn = call.required(parameter);
    String at = Character.toLowerCase(parameter.charAt(0)) + parameter.substring(1);
    if (arn.length() < 20 || arn.length() > 2048) {
      throw new StsException(StsError.VALIDATION_ERROR, "1 validation error detected: Value '" + arn + "' at '" + at
          + "' failed to satisfy constraint: Member must have length "
          + (arn.length() < 20 ? "greater than or equal to 20" : "less than or equal to 2048"));
    }
    if (!ARN.matcher(arn).matches()) {
      throw new StsException(StsError.INVALID_INPUT, "ARN " + arn + " is not valid.");
    }
    return arn;
  }
}
