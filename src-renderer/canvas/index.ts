export * from './AnnotationCanvas';
export * from './use-editor-bindings';
export * from './use-view-state';
export * from './view';
