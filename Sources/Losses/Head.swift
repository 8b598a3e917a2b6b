public enum LossesPlaceholderForBuild {}
