export interface InitGeneratorSchema {}
